import { ApiError, api } from './client';

/** `POST /auth/start` answer (the fields the panel uses). */
export interface SigninStart {
  auth_url: string;
  state: string;
  /** Seconds the sign-in may take. */
  expires_in: number;
}

/** What a finished sign-in stored, from `/auth/status/{state}` or `/auth/callback-url`. */
export interface SigninDone {
  filename: string;
  user_email: string;
  project_id: string;
}

/** `GET /auth/status/{state}`. */
export type SigninStatus =
  | { status: 'pending' | 'running' }
  | ({ status: 'completed' } & SigninDone)
  | { status: 'failed'; step: string; message: string }
  | { status: 'not_found'; message: string };

/** Where the panel's sign-in is: waiting, done, failed (at a step) or past its time. */
export type SigninOutcome =
  | { kind: 'waiting' }
  | ({ kind: 'completed' } & SigninDone)
  | { kind: 'failed'; step?: string; message: string }
  | { kind: 'expired'; message?: string };

/** The options of a sign-in; the server takes `project_id` only when one is given. */
export interface SigninOptions {
  projectId: string;
  antigravity: boolean;
}

const body = (options: SigninOptions) => ({
  ...(options.projectId.trim() ? { project_id: options.projectId.trim() } : {}),
  use_antigravity: options.antigravity,
});

export const startSignin = (options: SigninOptions) =>
  api<SigninStart>('/auth/start', { json: body(options) });

/** The outcome a status answer means; `null` while Google has not called back. */
export function outcomeOfStatus(status: SigninStatus): SigninOutcome | null {
  switch (status.status) {
    case 'completed':
      return { kind: 'completed', ...status };
    case 'failed':
      return { kind: 'failed', step: status.step, message: status.message };
    case 'not_found':
      return { kind: 'expired', message: status.message };
    default:
      return null;
  }
}

export const signinStatus = (state: string, signal?: AbortSignal) =>
  api<SigninStatus>(`/auth/status/${encodeURIComponent(state)}`, { signal });

/** A refused sign-in call as an outcome: the server's `message ?? detail` and its `step`. */
export function failureOf(err: unknown): SigninOutcome {
  const step = err instanceof ApiError ? (err.body as { step?: unknown } | undefined)?.step : '';
  return {
    kind: 'failed',
    step: typeof step === 'string' && step ? step : undefined,
    message: err instanceof Error ? err.message : String(err),
  };
}

/** Finishes a sign-in from the address the browser ended on (paste mode). */
export async function pasteCallback(url: string, options: SigninOptions): Promise<SigninOutcome> {
  try {
    const done = await api<SigninDone>('/auth/callback-url', {
      json: { callback_url: url.trim(), ...body(options) },
    });
    return { kind: 'completed', ...done };
  } catch (err) {
    return failureOf(err);
  }
}
