/** Which API's error shape a model route answers in. */
export type ApiFlavor = 'openai' | 'gemini' | 'anthropic';

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

const ANTHROPIC_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** Anthropic's `{type: "error", error: {type, message}}`. */
export function anthropicErrorBody(status: number, message: string) {
  const type = ANTHROPIC_TYPE[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message } };
}

/** The error body of `flavor` for an HTTP status and message. */
export function apiErrorBody(flavor: ApiFlavor, status: number, message: string, code?: string) {
  if (flavor === 'anthropic') return anthropicErrorBody(status, message);
  return flavor === 'openai'
    ? openAiErrorBody(status, message, code ?? null)
    : geminiErrorBody(status, message);
}
