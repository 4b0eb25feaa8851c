import type { Namespace } from '../../storage/storage-backend.interface';

/** Request-mode prefixes of the advertised model ids ("fake streaming", "anti-truncation"). */
const PREFIXES = ['models/', '假流式/', '流式抗截断/'];
/** Behaviour suffixes; they may come in any order and are stripped repeatedly. */
const SUFFIXES = ['-maxthinking', '-nothinking', '-search'];

/** The upstream model behind an advertised id: `假流式/gemini-2.5-pro-nothinking-search` → `gemini-2.5-pro`. */
export function baseModelName(model: string): string {
  let name = model.trim();
  for (let stripped = true; stripped;) {
    stripped = false;
    for (const prefix of PREFIXES) {
      if (name.startsWith(prefix)) [name, stripped] = [name.slice(prefix.length), true];
    }
    for (const suffix of SUFFIXES) {
      if (name.endsWith(suffix)) [name, stripped] = [name.slice(0, -suffix.length), true];
    }
  }
  return name;
}

/**
 * The key a model's cooldowns are kept under: for Gemini CLI the quota group, `flash` when the base
 * model name contains "flash" and `pro` otherwise; for antigravity the base model name itself.
 */
export function modelKeyFor(ns: Namespace, model: string): string {
  const base = baseModelName(model);
  if (ns === 'antigravity') return base;
  return base.toLowerCase().includes('flash') ? 'flash' : 'pro';
}
