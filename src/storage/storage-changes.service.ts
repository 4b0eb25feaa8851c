import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ChangeFeed } from './storage-backend.interface';
import { InjectChangeFeed } from './storage.decorators';

/** How often the change marker is read, in milliseconds: other processes' changes show within it. */
export const CHANGE_POLL_MS = 1000;

type Listener = () => void | Promise<void>;

/**
 * Tells in-process caches (settings, the rotation index) that something changed in storage,
 * whichever gateway process changed it, by polling the backend's cheap change marker.
 */
@Injectable()
export class StorageChanges implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Storage');
  private readonly listeners = new Set<Listener>();
  private version?: number;
  private timer?: NodeJS.Timeout;
  private failing = false;
  /** A poll still waiting for storage: the next tick skips instead of piling up another one. */
  private polling = false;

  constructor(@InjectChangeFeed() private readonly feed: ChangeFeed) {}

  async onModuleInit() {
    // Read the starting version now, so a change in the first second is not missed.
    await this.poll();
    this.timer = setInterval(() => {
      if (!this.polling) void this.poll();
    }, CHANGE_POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** Calls `listener` after every change seen; returns a function that unsubscribes it. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the marker now and notifies the listeners when it moved; never throws. */
  async poll(): Promise<void> {
    let version: number;
    this.polling = true;
    try {
      version = await this.feed.changeVersion();
    } catch (err) {
      if (!this.failing) this.logger.warn(`Cannot read storage changes: ${(err as Error).message}`);
      this.failing = true;
      return;
    } finally {
      this.polling = false;
    }
    if (this.failing) this.logger.log('Storage changes are readable again');
    this.failing = false;
    const moved = this.version !== undefined && version !== this.version;
    this.version = version;
    if (moved) await this.notify(this.listeners, 'Reloading after a storage change');
  }

  private async notify(listeners: Set<Listener>, what: string): Promise<void> {
    for (const listener of listeners) {
      try {
        await listener();
      } catch (err) {
        this.logger.warn(`${what} failed: ${(err as Error).message}`);
      }
    }
  }
}
