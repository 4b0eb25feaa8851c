import { request } from 'undici';
import type { SettingsService } from '../config/settings.service';
import type { UpstreamHttp } from './upstream-http.service';

/**
 * POSTs JSON to a Google endpoint through the shared pool, with the upstream timeouts and the
 * caller's abort signal. Network errors and timeouts are thrown (undici errors).
 */
export function googlePost(
  http: UpstreamHttp,
  settings: SettingsService,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal?: AbortSignal,
) {
  return request(url, {
    method: 'POST',
    dispatcher: http.dispatcher(),
    // Per request as well: not every dispatcher (a SOCKS5 proxy) passes its own on.
    headersTimeout: settings.millis('upstream_first_byte_timeout'),
    bodyTimeout: settings.millis('upstream_idle_timeout'),
    signal,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
