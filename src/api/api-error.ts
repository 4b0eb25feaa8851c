/** Which API's error shape a model route answers in. */
export type ApiFlavor = 'openai' | 'gemini';

const GEMINI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function openAiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** OpenAI's `{error: {message, type, param, code}}`. */
export function openAiErrorBody(status: number, message: string, code: string | null = null) {
  return { error: { message, type: openAiType(status), param: null, code } };
}

/** Google's `{error: {code, message, status}}`. */
export function geminiErrorBody(status: number, message: string) {
  const name = GEMINI_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return { error: { code: status, message, status: name } };
}

/** The error body of `flavor` for an HTTP status and message. */
export function apiErrorBody(flavor: ApiFlavor, status: number, message: string, code?: string) {
  return flavor === 'openai'
    ? openAiErrorBody(status, message, code ?? null)
    : geminiErrorBody(status, message);
}
