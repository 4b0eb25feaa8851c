import { messageOf } from './error-text';
import { clearSession, loadSession, sessionExpired } from './session';

/** A refused admin call: the HTTP status, the server's message and its whole JSON body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

type Listener = () => void;
const expiredListeners = new Set<Listener>();

/** Called when the server answers 401 to a logged-in call: the session is gone. */
export function onSessionExpired(listener: Listener): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

function expire(): void {
  clearSession();
  for (const listener of expiredListeners) listener();
}

export function authHeaders(): Record<string, string> {
  // A session past its time ends here, like one the server refuses: the call would go out
  // without it, and its 401 could not tell a session had been there.
  if (sessionExpired()) expire();
  const session = loadSession();
  return session ? { authorization: `Bearer ${session.token}` } : {};
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Throws an ApiError for a non-2xx answer; a 401 also ends the session. */
export function check(status: number, body: unknown, statusText: string): void {
  if (status >= 200 && status < 300) return;
  // A 401 to a call made with a session means it ended; a wrong password at login is no session.
  if (status === 401 && loadSession()) expire();
  throw new ApiError(status, messageOf(body, `${status} ${statusText}`.trim()), body);
}

/** Calls an admin route with the session and returns its JSON answer. */
export async function api<T>(
  path: string,
  options: { method?: string; json?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { ...authHeaders() };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? (options.json === undefined ? 'GET' : 'POST'),
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
    signal: options.signal,
  });
  const body = await readBody(response);
  check(response.status, body, response.statusText);
  return body as T;
}

/** Downloads an authenticated file (credential JSON, ZIP, log) under the server's file name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) check(response.status, await readBody(response), response.statusText);
  const disposition = response.headers.get('content-disposition') ?? '';
  const name =
    /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ??
    /filename="([^"]+)"/i.exec(disposition)?.[1];
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Sends files as `multipart/form-data` field `files`, reporting upload progress (0-1). Uses
 * XMLHttpRequest because fetch has no upload progress.
 */
export function uploadFiles<T>(
  path: string,
  files: readonly File[],
  onProgress: (fraction: number) => void,
): Promise<T> {
  const form = new FormData();
  for (const file of files) form.append('files', file, file.name);
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', undefined));
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        // a non-JSON answer (a proxy's error page) is shown as its text
      }
      try {
        check(xhr.status, body, xhr.statusText);
        resolve(body as T);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    xhr.send(form);
  });
}
