/**
 * The `data` payloads of a Server-Sent Events byte stream, one string per event, as they
 * arrive. Handles `\n`, `\r\n` and `\r` line ends, events split across chunks, multi-line data
 * (joined with `\n`) and comments; a trailing event without its blank line still counts.
 */
export async function* sseData(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const lineEnd = /\r\n|\r|\n/;
  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true });
    let match: RegExpExecArray | null;
    while ((match = lineEnd.exec(buffer)) !== null) {
      // A lone \r at the end may be half of \r\n: wait for the next chunk.
      if (match[0] === '\r' && match.index === buffer.length - 1) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (data.length > 0) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
  }
  buffer += decoder.decode();
  if (buffer.startsWith('data:')) data.push(buffer.slice(buffer.startsWith('data: ') ? 6 : 5));
  if (data.length > 0) yield data.join('\n');
}
