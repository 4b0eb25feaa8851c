import { imageVariants } from './antigravity-request';

/** Advertised although antigravity lists it only as `claude-opus-4-5-thinking`. */
const EXTRA_MODELS = ['claude-opus-4-5'];
const ANTI_TRUNCATION = '流式抗截断/';

/**
 * The advertised antigravity model ids for the upstream's live list: every listed model, the
 * extra Claude name, the aspect-ratio and size variants of each image model, and a
 * `流式抗截断/` ("streaming anti-truncation") twin of all of them.
 */
export function antigravityModelIds(live: readonly string[]): string[] {
  const base = [...new Set([...live, ...EXTRA_MODELS])].sort();
  const all = base.flatMap((id) => (id.includes('-image') ? [id, ...imageVariants(id)] : [id]));
  return [...all, ...all.map((id) => `${ANTI_TRUNCATION}${id}`)];
}
