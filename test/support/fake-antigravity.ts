/**
 * A fake antigravity upstream on a `FakeGoogle`, under {@link ANTIGRAVITY_BASE}: point
 * ANTIGRAVITY_API_URL at `fake.url + ANTIGRAVITY_BASE`. The model calls are the fake Code Assist's
 * (same scripts and replies) behind antigravity's own envelope checks: the `antigravity/…` user
 * agent, `userAgent: "antigravity"`, a `req-…` requestId, `request.session_id`, and image models
 * only as `requestType: "image_gen"` without system instruction or tools. It also answers
 * `fetchAvailableModels` with the scripted models and their quota.
 */
import { type CodeAssistCall, type CodeAssistReply, googleError } from './fake-code-assist';
import { type FakeCodeAssist, installCodeAssist } from './fake-code-assist';
import type { FakeGoogle } from './fake-google';

/** Path prefix of the fake antigravity upstream on the fake Google. */
export const ANTIGRAVITY_BASE = '/antigravity-upstream';

/** One model of `fetchAvailableModels`. */
export interface AvailableModel {
  displayName?: string;
  quotaInfo?: { remainingFraction?: number; resetTime?: string };
}

export interface FakeAntigravity extends FakeCodeAssist {
  /** What `fetchAvailableModels` answers from now on (a model map, or an error reply). */
  setModels(models: Record<string, AvailableModel> | CodeAssistReply): void;
  /** The bearer tokens of the `fetchAvailableModels` calls received, oldest first. */
  modelListCalls(): string[];
}

/** The default model list: what an antigravity account typically offers. */
export const DEFAULT_MODELS: Record<string, AvailableModel> = {
  'gemini-2.5-flash': { quotaInfo: { remainingFraction: 1, resetTime: '2026-12-01T00:00:00Z' } },
  'gemini-3-pro-high': { quotaInfo: { remainingFraction: 0.5, resetTime: '2026-12-01T05:00:00Z' } },
  'claude-sonnet-4-5': { quotaInfo: { remainingFraction: 0.25 } },
  'claude-sonnet-4-5-thinking': { quotaInfo: { remainingFraction: 0.25 } },
  'gemini-3-pro-image': { quotaInfo: { remainingFraction: 0.75 } },
};

export function installAntigravity(fake: FakeGoogle): FakeAntigravity {
  const assist = installCodeAssist(fake, { base: ANTIGRAVITY_BASE, validate: checkEnvelope });
  let models: Record<string, AvailableModel> | CodeAssistReply = DEFAULT_MODELS;
  let listCalls: string[] = [];
  fake.route('POST', `${ANTIGRAVITY_BASE}/v1internal:fetchAvailableModels`, (recorded) => {
    const token = /^Bearer (.+)$/i.exec(String(recorded.headers.authorization ?? ''))?.[1];
    listCalls.push(token ?? '');
    if (!token) return { status: 401, body: { error: { code: 401, message: 'No credential' } } };
    const error = (models as CodeAssistReply).error;
    if (error) return { status: error.status, body: error.body };
    return { body: { models } };
  });
  return {
    ...assist,
    reset: () => {
      assist.reset();
      models = DEFAULT_MODELS;
      listCalls = [];
    },
    setModels: (next) => void (models = next),
    modelListCalls: () => [...listCalls],
  };
}

/** An answer with an image (and an optional caption). */
export function imageReply(mimeType: string, data: string, caption?: string): CodeAssistReply {
  const parts = [...(caption ? [{ text: caption }] : []), { inlineData: { mimeType, data } }];
  return {
    chunks: [
      { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }] },
    ],
  };
}

function checkEnvelope(call: CodeAssistCall): CodeAssistReply | undefined {
  const { envelope } = call;
  if (!call.userAgent?.startsWith('antigravity/')) {
    return googleError(403, `Unexpected user agent ${call.userAgent}`);
  }
  if (envelope.userAgent !== 'antigravity')
    return googleError(400, 'userAgent must be antigravity');
  if (!/^req-[0-9a-f-]{36}$/.test(String(envelope.requestId))) {
    return googleError(400, 'requestId must be req-<uuid>');
  }
  if (typeof call.request?.session_id !== 'string') {
    return googleError(400, 'request.session_id is required');
  }
  if (call.model?.includes('-image')) {
    if (envelope.requestType !== 'image_gen') return googleError(400, 'requestType image_gen');
    if (call.model !== 'gemini-3-pro-image') return googleError(404, `No model ${call.model}`);
    if (call.request.systemInstruction || call.request.tools) {
      return googleError(400, 'Image generation takes no system instruction or tools');
    }
  }
  return undefined;
}
