import { en, type MessageKey } from './en';
import { zh } from './zh';

export type Lang = 'en' | 'zh';

const KEY = 'gcli2api.panel.lang';
const TEXTS: Record<Lang, Record<MessageKey, string>> = { en, zh };

/** The saved choice, else the browser's first language (Chinese for any `zh-*`). */
function initialLang(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  const first = navigator.languages?.[0] ?? navigator.language ?? 'en';
  return first.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let current: Lang = initialLang();
document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';

export function lang(): Lang {
  return current;
}

/** Switches language and remembers it; the caller re-renders. */
export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

/** The text of `key` in the current language with `{name}` placeholders filled in. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return TEXTS[current][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** A duration in seconds as `1h 02m`, `3m 05s` or `42s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(h)}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s % 60)}s`;
  return `${s}s`;
}

export function formatNumber(n: number): string {
  return n.toLocaleString(current === 'zh' ? 'zh-CN' : 'en-US');
}
