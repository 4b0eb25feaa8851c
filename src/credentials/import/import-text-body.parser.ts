import { HttpStatus, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody, sendJson } from '../../common/raw-json';
import { formatBytes, IMPORT_LIMITS } from './import.constants';

/**
 * The routes whose JSON body may be larger than the app-wide default of 100 KB: pasted imports,
 * and batch actions, which take up to 10,000 names.
 */
const PATHS = new Set([
  '/creds/import-text',
  '/antigravity/creds/import-text',
  '/creds/batch-action',
  '/antigravity/creds/batch-action',
]);

type Request = IncomingMessage & { body?: unknown };

/**
 * Parses the JSON body of `/creds/import-text` (and its antigravity twin) up to
 * `IMPORT_LIMITS.maxTextBodyBytes`, where the app-wide JSON parser stops at 100 KB; beyond the
 * cap the answer is 413. It is installed on the HTTP server when the adapter is set, so before
 * Nest registers its own body parsers, which then see the body read and leave it alone.
 */
@Injectable()
export class ImportTextBodyParser {
  constructor(adapterHost: HttpAdapterHost) {
    adapterHost.init$.subscribe(() => {
      const adapter = adapterHost.httpAdapter;
      if (adapter?.getType() === 'express') adapter.use(parseImportTextBody);
    });
  }
}

/** Express middleware; other requests, and bodies that are not plain JSON, pass through. */
export function parseImportTextBody(req: Request, res: ServerResponse, next: () => void): void {
  if (req.method !== 'POST' || !PATHS.has(routeOf(req.url)) || !isPlainJson(req)) return next();
  const cap = IMPORT_LIMITS.maxTextBodyBytes;
  void readJsonBody(req, cap).then((read) => {
    if (read.ok) {
      req.body = read.body;
      return next();
    }
    if (read.tooLarge) {
      const message = `The request body is larger than ${formatBytes(cap)}; split it, or upload a ZIP`;
      return reply(res, HttpStatus.PAYLOAD_TOO_LARGE, message);
    }
    reply(res, HttpStatus.BAD_REQUEST, `The request body is ${read.reason}`);
  });
}

function routeOf(url = ''): string {
  const path = url.split('?')[0].toLowerCase();
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** JSON in UTF-8 without a content encoding; anything else is left to the default parsers. */
function isPlainJson(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const [mime, ...params] = type.split(';').map((part) => part.trim());
  if (mime !== 'application/json' && !mime.endsWith('+json')) return false;
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (charset && !['utf-8', 'utf8', '"utf-8"'].includes(charset)) return false;
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  return encoding === 'identity';
}

function reply(res: ServerResponse, statusCode: number, message: string): void {
  sendJson(res, statusCode, { statusCode, message });
}
