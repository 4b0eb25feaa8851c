/**
 * A list that a JSON answer writes item by item (see {@link jsonAnswer}), made on demand from
 * `items`: the results of an import of 100,000 credentials are never one array of objects or
 * one string. Anything else that serializes it (`JSON.stringify`, a log) sees a plain array.
 */
export class JsonList<T = unknown> implements Iterable<T> {
  constructor(private readonly items: () => Iterable<T>) {}

  [Symbol.iterator](): Iterator<T> {
    return this.items()[Symbol.iterator]();
  }

  toJSON(): T[] {
    return [...this];
  }
}

/** About how much text one chunk of a JSON answer holds before it is handed to the socket. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The JSON text of `value` in chunks: its fields in order, each {@link JsonList} written an
 * item at a time. Fields that are `undefined` are left out, as `JSON.stringify` does.
 */
export function* jsonChunks(value: object): Generator<string> {
  let chunk = '{';
  let separator = '';
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    chunk += `${separator}${JSON.stringify(key)}:`;
    separator = ',';
    if (!(field instanceof JsonList)) {
      chunk += JSON.stringify(field);
      continue;
    }
    chunk += '[';
    let comma = '';
    for (const item of field) {
      chunk += comma + JSON.stringify(item);
      comma = ',';
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    chunk += ']';
  }
  yield `${chunk}}`;
}

/**
 * An answer of `status` with `value` as JSON, serialized a chunk at a time as the client reads
 * it (a route returns it and Nest sends it with backpressure, its status winning over
 * `@HttpCode`). For answers whose size grows with what the request offered.
 */
export function jsonAnswer(status: number, value: object): Response {
  const chunks = jsonChunks(value);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(Buffer.from(next.value));
    },
    // The client left: the rest is never made.
    cancel() {
      chunks.return(undefined);
    },
  });
  return new Response(body, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}
