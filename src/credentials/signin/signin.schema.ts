import { z } from 'zod';
import { CONTROL_CHARS } from '../../common/unsafe-chars';

const projectId = z
  .string({ message: 'must be a Google Cloud project id' })
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(256, { message: 'must be at most 256 characters' })
  .refine((value) => !CONTROL_CHARS.test(value), { message: 'must not contain control characters' })
  .optional();

const useAntigravity = z.boolean({ message: 'must be true or false' }).default(false);

const object = <T extends z.ZodRawShape>(shape: T) =>
  z.object(shape, { message: 'the body must be a JSON object' });

/** `POST /auth/start` body (gcli2api's field names). */
export const startBodySchema = object({ project_id: projectId, use_antigravity: useAntigravity });
export type StartBody = z.infer<typeof startBodySchema>;

const state = z
  .string({ message: 'must be the state /auth/start returned' })
  .min(1, { message: 'must not be empty' })
  .max(256, { message: 'must be at most 256 characters' });

/** `POST /auth/callback` body: waits for the sign-in `state` (default: the newest one here). */
export const callbackBodySchema = object({
  state: state.optional(),
  project_id: projectId,
  use_antigravity: useAntigravity,
});
export type CallbackBody = z.infer<typeof callbackBodySchema>;

/** `POST /auth/callback-url` body: the address the browser was sent back to, pasted. */
export const callbackUrlBodySchema = object({
  callback_url: z
    .string({ message: 'must be the full address the browser showed after signing in' })
    .min(1, { message: 'must not be empty' })
    .max(8192, { message: 'must be at most 8192 characters' }),
  project_id: projectId,
  use_antigravity: useAntigravity,
});
export type CallbackUrlBody = z.infer<typeof callbackUrlBodySchema>;

/** The state and code (or Google's error) of a pasted callback address; a reason when unusable. */
export function parseCallbackUrl(
  text: string,
): { state: string; code?: string; error?: string } | { reason: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { reason: 'callback_url is not a URL: paste the whole address, http://localhost:...' };
  }
  const state = url.searchParams.get('state');
  const code = url.searchParams.get('code') ?? undefined;
  const error = url.searchParams.get('error') ?? undefined;
  if (!state) return { reason: 'callback_url has no state parameter' };
  if (!code && !error) return { reason: 'callback_url has no code parameter' };
  return { state, code, error };
}
