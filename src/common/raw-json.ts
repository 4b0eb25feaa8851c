import type { IncomingMessage, ServerResponse } from 'node:http';
import { nestsDeeperThan } from './json-depth';

/** The outcome of reading a JSON request body under a size cap. */
export type JsonBody =
  | { ok: true; body: unknown }
  | { ok: false; tooLarge: true }
  | { ok: false; tooLarge: false; reason: string };

/**
 * Reads a request body up to `capBytes` and parses it as JSON (a leading BOM is ignored, an
 * empty body is `{}`; a syntax error is described without quoting the body). Past the cap the
 * rest is read and dropped so the client can still get an answer, and the connection is cut at
 * four times the cap. With `maxDepth`, a body whose arrays and objects nest deeper is refused
 * before it is parsed.
 */
export function readJsonBody(
  req: IncomingMessage,
  capBytes: number,
  maxDepth?: number,
): Promise<JsonBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= capBytes) chunks.push(chunk);
      else if (size > 4 * capBytes) req.destroy();
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (size > capBytes) return resolve({ ok: false, tooLarge: true });
      const bytes = Buffer.concat(chunks);
      if (maxDepth !== undefined && nestsDeeperThan(bytes, maxDepth)) {
        const reason = `nested more than ${maxDepth} levels deep (limit ${maxDepth})`;
        return resolve({ ok: false, tooLarge: false, reason });
      }
      const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
      try {
        resolve({ ok: true, body: text.trim() === '' ? {} : (JSON.parse(text) as unknown) });
      } catch (err) {
        resolve({ ok: false, tooLarge: false, reason: jsonSyntaxReason(err) });
      }
    });
  });
}

/** Answers `body` as JSON with `status`, unless the response already started or is gone. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** "not valid JSON", with the position of the error when the parser gives one. */
export function jsonSyntaxReason(err: unknown): string {
  // V8 quotes part of the input in its messages: only the position may be repeated.
  const message = err instanceof Error ? err.message : '';
  const where = /at position (\d+)(?: \(line (\d+) column (\d+)\))?/.exec(message);
  if (!where)
    return /end of JSON input/i.test(message) ? 'not valid JSON (ends early)' : 'not valid JSON';
  return where[2]
    ? `not valid JSON (error at line ${where[2]} column ${where[3]})`
    : `not valid JSON (error at position ${where[1]})`;
}
