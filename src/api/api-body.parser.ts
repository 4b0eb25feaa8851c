import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrorBody, type ApiFlavor } from './api-error';

type Request = IncomingMessage & { body?: unknown; _body?: boolean };

/** The model routes: their bodies carry conversations and images, far past the 100 KB default. */
const MODEL_ROUTE = /^\/(v1|v1beta)\//i;

/** Which API's error shape a model route answers in. */
export const flavorOfPath = (url: string): ApiFlavor =>
  /^\/v1\/chat\//i.test(url) ? 'openai' : 'gemini';

/**
 * Express middleware reading the JSON body of a model route up to `limitBytes` (413 beyond it,
 * 400 for malformed JSON or a compressed body, in the API's own error shape). Installed before
 * Nest's parsers, which then see the body read and leave it alone. A request without a valid
 * API key (`authorized` false) has its body dropped unread, so the guard answers it without the
 * gateway holding megabytes for strangers. Other requests pass through.
 */
export function apiJsonBody(limitBytes: number, authorized: (req: Request) => boolean) {
  return (req: Request, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '/';
    const type = String(req.headers['content-type'] ?? '');
    if (req.method !== 'POST' || !MODEL_ROUTE.test(url) || !/json/i.test(type)) return next();
    const fail = (status: number, message: string) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(apiErrorBody(flavorOfPath(url), status, message)));
    };
    if (!authorized(req)) {
      req.on('end', () => {
        req.body = {};
        req._body = true;
        next();
      });
      req.resume();
      return;
    }
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      req.resume();
      return fail(415, `Content-Encoding ${encoding} is not supported: send the body uncompressed`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (size > limitBytes) {
        return fail(413, `The request body is larger than ${Math.round(limitBytes / 2 ** 20)} MB`);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        req.body = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
      } catch (err) {
        return fail(400, `The request body is not valid JSON: ${(err as Error).message}`);
      }
      req._body = true;
      next();
    });
    req.on('error', () => res.destroy());
  };
}
