import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SettingsService } from '../config/settings.service';
import type { EphemeralStore } from '../storage/storage-backend.interface';
import { InjectEphemeralStore } from '../storage/storage.decorators';
import { fingerprint } from './same-secret';

/** Entry-key prefix of panel sessions in the STORAGE backend. */
const SESSION_PREFIX = 'panel-session:';

/**
 * Panel sessions, kept as expiring entries in the STORAGE backend so that they survive a restart
 * and work on every gateway process sharing it. The token itself is never stored: the entry's
 * key is a hash of it, and its value binds it to the panel password, so changing the password
 * ends every session.
 */
@Injectable()
export class PanelSessions {
  constructor(
    @InjectEphemeralStore() private readonly entries: EphemeralStore,
    private readonly settings: SettingsService,
  ) {}

  /** Starts a session lasting `panel_session_ttl` seconds; returns its token and expiry. */
  async start(): Promise<{ token: string; expiresAt: Date; ttlSeconds: number }> {
    const token = randomBytes(32).toString('base64url');
    const ttlSeconds = this.settings.get('panel_session_ttl');
    await this.entries.setEntry(this.key(token), this.binding(token), ttlSeconds * 1000);
    return { token, expiresAt: new Date(Date.now() + ttlSeconds * 1000), ttlSeconds };
  }

  /** Whether `token` is a live session made under the current panel password. */
  async isValid(token: string): Promise<boolean> {
    if (token.length > 512) return false;
    const stored = await this.entries.getEntry(this.key(token));
    return stored !== null && stored === this.binding(token);
  }

  /** Ends the session; `false` when it was not live. */
  async end(token: string): Promise<boolean> {
    return this.entries.deleteEntry(this.key(token));
  }

  private key(token: string): string {
    return SESSION_PREFIX + fingerprint(token);
  }

  private binding(token: string): string {
    return fingerprint(token, this.settings.panelPassword().value);
  }
}
