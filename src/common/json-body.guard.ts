import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { formatBytes } from './format-bytes';
import { readJsonBody } from './raw-json';

/** A route's JSON body cap and what to tell a client that sends more. */
export interface JsonBodyOptions {
  /** Bytes; default {@link DEFAULT_JSON_BODY_BYTES}. */
  limitBytes: number;
  /** Appended to the 413 message, e.g. "split it, or upload a ZIP". */
  tooLargeHint?: string;
}

/** What Express's JSON parser allowed by default; admin bodies are small. */
export const DEFAULT_JSON_BODY_BYTES = 100 * 1024;

const JSON_BODY = Symbol('json-body');

/**
 * Deepest nesting of arrays and objects in an admin body (credentials themselves stop at 32): a
 * hostile body of deep brackets is refused before it is parsed.
 */
const MAX_ADMIN_BODY_DEPTH = 128;

/** Raises the JSON body cap of one route (pasted imports, batch actions). */
export const JsonBody = (options: JsonBodyOptions) => SetMetadata(JSON_BODY, options);

type Request = IncomingMessage & { body?: unknown; _body?: boolean };

/**
 * Reads the JSON body of every route except the model routes (whose middleware reads theirs
 * after the API key check). A global guard registered after the AuthGuard, so a body is read only
 * once the caller passed the panel session check: an anonymous client cannot make the gateway
 * buffer or parse anything, and gets its 401 whatever it sent. A guard rather than an interceptor
 * because a global interceptor puts every request, model calls included, through Nest's RxJS
 * interceptor chain; a guard that finds the body read already answers synchronously. Syntax
 * errors are described by position only (the body is never quoted back); a body over the
 * route's cap is 413.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req._body || !hasJsonBody(req)) return true;
    const options = this.reflector.getAllAndOverride<JsonBodyOptions | undefined>(JSON_BODY, [
      context.getHandler(),
      context.getClass(),
    ]);
    return read(req, options).then(() => true);
  }
}

async function read(req: Request, options: JsonBodyOptions | undefined): Promise<void> {
  const limit = options?.limitBytes ?? DEFAULT_JSON_BODY_BYTES;
  const result = await readJsonBody(req, limit, MAX_ADMIN_BODY_DEPTH);
  if (result.ok) {
    req.body = result.body;
    req._body = true;
    return;
  }
  if (result.tooLarge) {
    const hint = options?.tooLargeHint ? `; ${options.tooLargeHint}` : '';
    throw new HttpException(
      `The request body is larger than ${formatBytes(limit)}${hint}`,
      HttpStatus.PAYLOAD_TOO_LARGE,
    );
  }
  throw new HttpException(`The request body is ${result.reason}`, HttpStatus.BAD_REQUEST);
}

/** A body is there to read: not a GET/HEAD, sent as JSON, uncompressed (415 otherwise). */
function hasJsonBody(req: Request): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  if (req.headers['content-length'] === '0') return false;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const mime = type.split(';')[0].trim();
  if (mime !== 'application/json' && !mime.endsWith('+json')) return false;
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    throw new HttpException(
      `Content-Encoding ${encoding} is not supported: send the body uncompressed`,
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    );
  }
  return true;
}
