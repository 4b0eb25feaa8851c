import { setTimeout as sleep } from 'node:timers/promises';
import type { StorageBackend } from '../../../src/storage/storage-backend.interface';

/** Longest a request may take before the load counts it as hung, in milliseconds. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Pause between two requests of one client: the load stays bounded on a small machine. */
const PAUSE_MS = 25;
/** Most requests one client sends in a whole run, whatever the phases last. */
const MAX_REQUESTS_PER_CLIENT = 400;

/**
 * Settings one config client each owns (so its last acknowledged value is well defined). No value
 * is the default: the gateway does not store a default sent back, which would read as lost.
 */
const OWNED_SETTINGS = [
  { key: 'calls_per_rotation', value: (n: number) => 2 + (n % 9_000) },
  { key: 'oauth_callback_port', value: (n: number) => 20_000 + (n % 40_000) },
  { key: 'retry_429_max_retries', value: (n: number) => 6 + (n % 90) },
  { key: 'anti_truncation_max_attempts', value: (n: number) => 4 + (n % 7) },
  { key: 'retry_429_interval', value: (n: number) => (2 + (n % 90)) / 10 },
] as const;

/** One request the load sent, and how it ended. */
export interface Sent {
  client: number;
  kind: 'import' | 'action' | 'config';
  startedAt: number;
  /** How long the answer took, in milliseconds. */
  ms: number;
  /** HTTP status, or 0 when the request hung past the timeout or the connection failed. */
  status: number;
  error?: string;
  /** What the request wrote: a credential name, a disabled flag or a setting value. */
  wrote: unknown;
}

/**
 * Sixteen admin clients writing through the gateway at once: six import credentials
 * (`/creds/import-text`), five toggle a credential each (`/creds/action`), five save a setting each
 * (`/config/save`). Every request and its answer is kept, so a test can tell which writes were
 * acknowledged and check that storage still holds them.
 */
export class WriteLoad {
  readonly sent: Sent[] = [];
  private stopped = false;
  private running?: Promise<void>;
  private readonly prefix = `load-${Date.now().toString(36)}`;

  constructor(
    private readonly url: string,
    private readonly auth: Record<string, string>,
  ) {}

  /** The credential client `i` of the action clients toggles; import it before starting. */
  actionTarget(i: number): string {
    return `${this.prefix}-action-${i}.json`;
  }

  /** Imports the credentials the action clients toggle. */
  async prepare(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const name = this.actionTarget(i);
      const response = await this.post('/creds/import-text', {
        content: JSON.stringify(credential(name.replace(/\.json$/, ''))),
      });
      if (response.status !== 200) throw new Error(`prepare: ${response.status}`);
    }
  }

  start(): void {
    const clients = Array.from({ length: 16 }, (_, i) => this.client(i));
    this.running = Promise.all(clients).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Checks every acknowledged write against storage; returns what is missing or wrong. */
  async lost(storage: StorageBackend): Promise<string[]> {
    const problems: string[] = [];
    const imported = this.sent.filter((s) => s.kind === 'import' && ok(s.status));
    for (const s of imported) {
      if (!(await storage.getCredential('geminicli', s.wrote as string))) {
        problems.push(`import of ${String(s.wrote)} was acknowledged but is not stored`);
      }
    }
    for (let i = 0; i < 5; i++) {
      const state = await storage.getState('geminicli', this.actionTarget(i));
      const allowed = this.allowedFinal(6 + i);
      if (allowed && !allowed.includes(state?.disabled)) {
        problems.push(`client ${6 + i}: disabled=${state?.disabled}, acknowledged ${allowed[0]}`);
      }
    }
    for (const [j, setting] of OWNED_SETTINGS.entries()) {
      const allowed = this.allowedFinal(11 + j);
      const stored = await storage.getConfig(setting.key);
      if (allowed && !allowed.includes(stored)) {
        problems.push(`${setting.key}=${String(stored)}, acknowledged ${String(allowed[0])}`);
      }
    }
    return problems;
  }

  /**
   * What storage may hold for a client's own target: its last acknowledged value, or a value it
   * sent afterwards whose answer was lost (a write may land while its answer does not);
   * `undefined` when nothing was acknowledged.
   */
  private allowedFinal(client: number): unknown[] | undefined {
    const mine = this.sent.filter((s) => s.client === client);
    const last = mine.map((s) => ok(s.status)).lastIndexOf(true);
    if (last < 0) return undefined;
    return mine.slice(last).map((s) => s.wrote);
  }

  private async client(i: number): Promise<void> {
    for (let n = 0; !this.stopped && n < MAX_REQUESTS_PER_CLIENT; n++) {
      if (i < 6) await this.send(i, 'import', n);
      else if (i < 11) await this.send(i, 'action', n);
      else await this.send(i, 'config', n);
      await sleep(PAUSE_MS);
    }
  }

  private async send(client: number, kind: Sent['kind'], n: number): Promise<void> {
    let path: string;
    let body: unknown;
    let wrote: unknown;
    if (kind === 'import') {
      const project = `${this.prefix}-c${client}-n${n}`;
      path = '/creds/import-text';
      body = { content: JSON.stringify(credential(project)) };
      wrote = `${project}.json`;
    } else if (kind === 'action') {
      const disable = n % 2 === 0;
      path = '/creds/action';
      body = { filename: this.actionTarget(client - 6), action: disable ? 'disable' : 'enable' };
      wrote = disable;
    } else {
      const setting = OWNED_SETTINGS[client - 11];
      wrote = setting.value(n);
      path = '/config/save';
      body = { config: { [setting.key]: wrote } };
    }
    const startedAt = Date.now();
    const { status, error } = await this.post(path, body);
    const ms = Date.now() - startedAt;
    this.sent.push({ client, kind, startedAt, ms, status, wrote, ...(error ? { error } : {}) });
  }

  private async post(path: string, body: unknown): Promise<{ status: number; error?: string }> {
    try {
      const response = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: { ...this.auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      return { status: response.status, ...(ok(response.status) ? {} : { error: text }) };
    } catch (err) {
      return { status: 0, error: (err as Error).message };
    }
  }
}

const ok = (status: number) => status >= 200 && status < 300;

function credential(project: string) {
  return {
    client_id: 'client-id',
    client_secret: 'client-secret',
    refresh_token: `refresh-${project}`,
    token: `access-${project}`,
    expiry: '2030-01-01T00:00:00Z',
    project_id: project,
  };
}
