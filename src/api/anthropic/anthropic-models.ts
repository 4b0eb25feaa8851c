import type { Namespace } from '../../storage/storage-backend.interface';

/**
 * The model id an Anthropic request is served with. Antigravity serves Claude models itself, so
 * its names pass through. Gemini CLI has none: a `claude-…` name (what Claude Code sends unless
 * told otherwise) is served by `gemini-2.5-flash` for Haiku and `gemini-2.5-pro` for the rest;
 * any other id (`gemini-2.5-pro-maxthinking`, `流式抗截断/gemini-2.5-flash`) is used as it is.
 */
export function anthropicModelId(requested: string, ns: Namespace): string {
  if (ns === 'antigravity' || !/^claude-/i.test(requested)) return requested;
  return /haiku/i.test(requested) ? 'gemini-2.5-flash' : 'gemini-2.5-pro';
}
