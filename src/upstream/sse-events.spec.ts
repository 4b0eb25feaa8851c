import { sseData } from './sse-events';

async function collect(chunks: string[]): Promise<string[]> {
  async function* source() {
    for (const chunk of chunks) yield new TextEncoder().encode(chunk);
  }
  const out: string[] = [];
  for await (const data of sseData(source())) out.push(data);
  return out;
}

describe('sseData', () => {
  it('yields each event of a CRLF stream as it completes', async () => {
    expect(await collect(['data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\n'])).toEqual([
      '{"a":1}',
      '{"b":2}',
    ]);
  });

  it('joins events split anywhere across chunks, even inside \\r\\n', async () => {
    const text = 'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(await collect([text.slice(0, cut), text.slice(cut)])).toEqual(['{"a":1}', '{"b":2}']);
    }
  });

  it('joins multi-line data, skips comments and other fields, keeps a last unterminated event', async () => {
    expect(await collect([': hi\nevent: x\ndata: one\ndata: two\n\nid: 3\ndata: three'])).toEqual([
      'one\ntwo',
      'three',
    ]);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: 假流式\n\n');
    async function* source() {
      yield bytes.slice(0, 8);
      yield bytes.slice(8);
    }
    const out: string[] = [];
    for await (const data of sseData(source())) out.push(data);
    expect(out).toEqual(['假流式']);
  });
});
