import type { Namespace } from '../storage/storage-backend.interface';

/** Admin routes of the antigravity namespace start with this; the rest are Gemini CLI's. */
export const ANTIGRAVITY_PREFIX = '/antigravity';

/** The namespace a request's path addresses: `/antigravity/...` or the Gemini CLI default. */
export function namespaceOfPath(path: string): Namespace {
  // Express matches routes case-insensitively, so `/ANTIGRAVITY/...` reaches the same handler.
  return path.toLowerCase().startsWith(`${ANTIGRAVITY_PREFIX}/`) ? 'antigravity' : 'geminicli';
}

/** Both route paths of an admin action: the Gemini CLI one and its antigravity twin. */
export function withTwin(path: string): string[] {
  return [path, `${ANTIGRAVITY_PREFIX.slice(1)}/${path}`];
}
