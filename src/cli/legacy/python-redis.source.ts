import Redis from 'ioredis';
import type { CredentialData, Namespace } from '../../storage/storage-backend.interface';
import type { StorageLocation } from '../storage/storage-location';
import type { TransferItem, TransferSource } from '../transfer/transfer.types';

/** The Python gateway's key prefix; its own code never changes it. */
const PYTHON_PREFIX = 'gcli:';
const SEGMENT: Record<Namespace, string> = { geminicli: 'creds', antigravity: 'ag_creds' };
/** Fields of a Python credential hash that are state, not credential data. */
const STATE_FIELDS = new Set([
  'disabled',
  'error_codes',
  'last_success',
  'user_email',
  'model_cooldowns',
  'call_count',
  'rotation_order',
]);

/**
 * The Python gateway's Valkey/Redis layout, read-only: `gcli:creds_index` / `gcli:ag_creds_index`
 * SETs of names, a HASH per credential (`gcli:creds:<name>`) whose fields are JSON-encoded and mix
 * the credential's keys with its state, and a `gcli:config` HASH. It has no insertion order, so
 * names are read sorted. Returns undefined when the server holds this gateway's layout (or none),
 * or cannot be reached (the server's backend then reports why).
 */
export async function openPythonRedis(
  location: StorageLocation,
  keyPrefix = PYTHON_PREFIX,
): Promise<TransferSource | undefined> {
  const client = new Redis(location.raw, {
    lazyConnect: true,
    connectTimeout: 5_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const p = keyPrefix;
    const python = await client.exists(`${p}creds_index`, `${p}ag_creds_index`);
    const ours = await client.exists(`${p}creds:index`, `${p}ag_creds:index`);
    if (python > 0 && ours === 0) return new PythonRedisSource(client, p, location.shown);
  } catch {
    // Unreachable or refused: the server's own backend reports it in one clear line.
  }
  client.disconnect();
  return undefined;
}

class PythonRedisSource implements TransferSource {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly where: string,
  ) {}

  get shown() {
    return `${this.where} (Python gcli2api layout)`;
  }

  async count(ns: Namespace): Promise<number> {
    return this.client.scard(`${this.prefix}${SEGMENT[ns]}_index`);
  }

  async *pages(ns: Namespace, size: number): AsyncIterable<TransferItem[]> {
    const names = (await this.client.smembers(`${this.prefix}${SEGMENT[ns]}_index`)).sort();
    for (let start = 0; start < names.length; start += size) {
      const chunk = names.slice(start, start + size);
      const pipeline = this.client.pipeline();
      for (const name of chunk) pipeline.hgetall(`${this.prefix}${SEGMENT[ns]}:${name}`);
      const replies = (await pipeline.exec()) ?? [];
      const items: TransferItem[] = [];
      chunk.forEach((name, i) => {
        const [err, hash] = replies[i] ?? [];
        if (err) throw err;
        const fields = hash as Record<string, string>;
        // An index entry without its hash (a Python bug could leave one) holds nothing to copy.
        if (Object.keys(fields).length > 0) items.push(toItem(name, fields));
      });
      yield items;
    }
  }

  async settings(): Promise<Record<string, unknown>> {
    const hash = await this.client.hgetall(`${this.prefix}config`);
    return Object.fromEntries(Object.entries(hash).map(([key, text]) => [key, decode(text)]));
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** As the Python gateway read its values: JSON first, else the raw string. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toItem(name: string, fields: Record<string, string>): TransferItem {
  const data: CredentialData = {};
  const state: Record<string, unknown> = {};
  for (const [field, text] of Object.entries(fields)) {
    if (STATE_FIELDS.has(field)) state[field] = decode(text);
    else data[field] = decode(text);
  }
  const codes = state.error_codes;
  const cooldowns = state.model_cooldowns;
  return {
    name,
    data,
    state: {
      disabled: state.disabled === true || state.disabled === 1 || state.disabled === 'true',
      errorCodes: Array.isArray(codes) ? (codes as number[]) : [],
      lastSuccess: typeof state.last_success === 'number' ? state.last_success : null,
      userEmail: typeof state.user_email === 'string' && state.user_email ? state.user_email : null,
      modelCooldowns:
        cooldowns && typeof cooldowns === 'object' ? (cooldowns as Record<string, number>) : {},
      callCount: Number(state.call_count ?? 0),
      // The Python gateway has no problem state.
      problem: null,
    },
  };
}
