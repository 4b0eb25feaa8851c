import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody, sendJson } from '../common/raw-json';
import { apiErrorBody, type ApiFlavor } from './api-error';

type Request = IncomingMessage & { body?: unknown; _body?: boolean };

/** The model routes: their bodies carry conversations and images, far past the 100 KB default. */
const MODEL_ROUTE = /^\/(antigravity\/)?(v1|v1beta)\//i;

/** Whether `url` is one of the model routes (Gemini, OpenAI, Anthropic; antigravity too). */
export const isModelRoute = (url: string): boolean => MODEL_ROUTE.test(url);

/**
 * How deep the arrays and objects of a model request may nest. Google's protobuf parsers refuse
 * messages nested past 100 levels (protobuf's default recursion limit) and every JSON level of
 * a request is at least one message level, so no body Google would take is refused; far below
 * the few thousand levels at which `JSON.stringify` and recursive walks overflow the stack.
 */
export const MAX_BODY_DEPTH = 128;

/** Which API's error shape a model route answers in. */
export const flavorOfPath = (url: string): ApiFlavor =>
  /^\/(antigravity\/)?v1\/messages(\/|\?|$)/i.test(url)
    ? 'anthropic'
    : /^\/(antigravity\/)?v1\/chat\//i.test(url)
      ? 'openai'
      : 'gemini';

/**
 * Express middleware reading the JSON body of a model route up to `limitBytes` (413 beyond it,
 * 400 for malformed JSON, a compressed body or one nested deeper than {@link MAX_BODY_DEPTH}, in
 * the API's own error shape). Installed before
 * Nest's parsers, which then see the body read and leave it alone. A request without a valid
 * API key (`authorized` false) has its body dropped unread, so the guard answers it without the
 * gateway holding megabytes for strangers. Other requests pass through.
 */
export function apiJsonBody(limitBytes: number, authorized: (req: Request) => boolean) {
  return (req: Request, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '/';
    const type = String(req.headers['content-type'] ?? '');
    if (req.method !== 'POST' || !isModelRoute(url) || !/json/i.test(type)) return next();
    const fail = (status: number, message: string) =>
      sendJson(res, status, apiErrorBody(flavorOfPath(url), status, message));
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
    void readJsonBody(req, limitBytes, MAX_BODY_DEPTH).then((read) => {
      if (read.ok) {
        req.body = read.body;
        req._body = true;
        return next();
      }
      if (read.tooLarge) {
        return fail(413, `The request body is larger than ${Math.round(limitBytes / 2 ** 20)} MB`);
      }
      fail(400, `The request body is ${read.reason}`);
    });
    req.on('error', () => res.destroy());
  };
}
