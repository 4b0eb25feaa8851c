import type { IncomingMessage, ServerResponse } from 'node:http';

/** Response headers a browser script may read besides the simple ones. */
const EXPOSED = 'Retry-After, Content-Disposition';
const METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
/** How long a browser may reuse a preflight's answer, in seconds (Chromium caps it at 7200). */
const PREFLIGHT_MAX_AGE_S = '600';

/**
 * CORS for browser chat clients and panels on other origins: any origin may call, since
 * credentials travel in headers (API key, panel session), never in cookies. Installed first, so
 * every answer carries it, including the 4xx that the body reader and the docs gate send before
 * any route: a browser shows a script those messages instead of an opaque CORS failure.
 *
 * An OPTIONS request is a preflight and is answered here with 204: every method, the headers the
 * browser asked for, and a max age so a chat client does not pay a preflight per message.
 * Two `setHeader` calls per request, where the `cors` package built its options per request.
 */
export function corsHeaders() {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', METHODS);
    const asked = req.headers['access-control-request-headers'];
    if (asked) res.setHeader('Access-Control-Allow-Headers', asked);
    res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_S);
    res.setHeader('Vary', 'Access-Control-Request-Headers');
    res.statusCode = 204;
    // Safari waits for a body on a 204 without a length.
    res.setHeader('Content-Length', '0');
    res.end();
  };
}
