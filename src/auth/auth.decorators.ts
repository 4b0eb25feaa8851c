import { SetMetadata } from '@nestjs/common';

/** Metadata key of a route's auth policy. */
export const AUTH_POLICY = 'gcli2api:auth-policy';

/**
 * How a model route takes the API password: `openai` (Authorization: Bearer), `gemini` (also
 * `x-goog-api-key` and `?key=`), `anthropic` (`x-api-key` or Bearer), or `dual` (Gemini when a
 * Gemini-style key is present, else OpenAI).
 */
export type ApiKeyStyle = 'openai' | 'gemini' | 'anthropic' | 'dual';

/** A route's auth policy. Routes without one require a panel session. */
export type AuthPolicy = { kind: 'public' } | { kind: 'api-key'; style: ApiKeyStyle };

/** Open to anyone: probes and the login route only. Every other route needs credentials. */
export const Public = () => SetMetadata(AUTH_POLICY, { kind: 'public' } satisfies AuthPolicy);

/** A model route: authenticated by the API password in the given style. */
export const ApiKeyAuth = (style: ApiKeyStyle) =>
  SetMetadata(AUTH_POLICY, { kind: 'api-key', style } satisfies AuthPolicy);
