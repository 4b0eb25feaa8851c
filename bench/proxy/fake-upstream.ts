/**
 * A lean fake Google Code Assist for `bench/proxy.ts`, run as its own process so it has an event
 * loop of its own: `POST /v1internal:generateContent` answers one canned `{response}` JSON and
 * `POST /v1internal:streamGenerateContent?alt=sse` five canned `data: {response}` events, written
 * at once. No checks, no delays, no logging: the figures measure the gateway, not this. Listens on
 * a free port of 127.0.0.1, prints `{"port": N}` on stdout, and exits when its stdin closes (the
 * bench went away).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(5).trim();
const USAGE = { promptTokenCount: 10, candidatesTokenCount: 50, totalTokenCount: 60 };

const chunk = (text: string, last: boolean) => ({
  candidates: [
    {
      content: { role: 'model', parts: [{ text }] },
      ...(last ? { finishReason: 'STOP' } : {}),
      index: 0,
    },
  ],
  ...(last ? { usageMetadata: USAGE } : {}),
  modelVersion: 'gemini-2.5-pro',
});

const GENERATE = Buffer.from(JSON.stringify({ response: chunk(TEXT, true) }));
const PIECES = 5;
const STREAM = Array.from({ length: PIECES }, (_, i) => {
  const text = TEXT.slice((i * TEXT.length) / PIECES, ((i + 1) * TEXT.length) / PIECES);
  return Buffer.from(
    `data: ${JSON.stringify({ response: chunk(text, i === PIECES - 1) })}\r\n\r\n`,
  );
});

function answer(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '';
  if (req.method === 'POST' && url === '/v1internal:generateContent') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': GENERATE.length });
    res.end(GENERATE);
  } else if (req.method === 'POST' && url.startsWith('/v1internal:streamGenerateContent')) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of STREAM) res.write(event);
    res.end();
  } else {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"code":404,"message":"not found","status":"NOT_FOUND"}}');
  }
}

const server = createServer({ keepAlive: true }, (req, res) => {
  // Read the whole request first, as Google does, so keep-alive connections stay in step.
  req.resume();
  req.once('end', () => answer(req, res));
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.stdin.resume();
process.stdin.once('end', () => process.exit(0));
