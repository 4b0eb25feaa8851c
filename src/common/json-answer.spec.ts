import { JsonList, jsonAnswer, jsonChunks } from './json-answer';

const text = (value: object) => [...jsonChunks(value)].join('');

describe('jsonChunks', () => {
  it('writes the same JSON as JSON.stringify of the lists made whole', () => {
    const results = Array.from({ length: 5 }, (_, i) => ({ name: `n${i}`, ok: i % 2 === 0 }));
    const value = {
      count: 5,
      results: new JsonList(() => results),
      empty: new JsonList(() => []),
      left: undefined,
      nested: { a: [1, 'two'], b: null },
      message: 'quote " and \\ and é',
    };
    expect(JSON.parse(text(value))).toEqual({
      count: 5,
      results,
      empty: [],
      nested: { a: [1, 'two'], b: null },
      message: 'quote " and \\ and é',
    });
    expect(text(value)).toBe(JSON.stringify(value));
  });

  it('writes an empty object and an object holding only a list', () => {
    expect(text({})).toBe('{}');
    expect(text({ only: new JsonList(() => [1, 2]) })).toBe('{"only":[1,2]}');
  });

  it('hands a long list over in chunks of about 64 KiB, making its items as it goes', () => {
    let made = 0;
    const items = function* () {
      for (let i = 0; i < 10_000; i++) {
        made++;
        yield { filename: `credential-${i}.json`, status: 'stored', message: 'stored' };
      }
    };
    const chunks = jsonChunks({ total: 10_000, results: new JsonList(items), message: 'done' });
    const first = chunks.next();
    expect(first.done).toBe(false);
    expect(first.value.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(first.value.length).toBeLessThan(65 * 1024);
    // Only the items of the first chunk were made so far.
    expect(made).toBeLessThan(2_000);
    const rest = [...chunks];
    expect(rest.length).toBeGreaterThan(5);
    const parsed = JSON.parse(first.value + rest.join(''));
    expect(parsed.results).toHaveLength(10_000);
    expect(parsed.results[9_999].filename).toBe('credential-9999.json');
    expect(parsed.message).toBe('done');
  });
});

describe('JsonList', () => {
  it('reads as a plain array to JSON.stringify and can be iterated again', () => {
    const list = new JsonList(() => ['a', 'b']);
    expect(JSON.stringify({ list })).toBe('{"list":["a","b"]}');
    expect([...list]).toEqual(['a', 'b']);
    expect([...list]).toEqual(['a', 'b']);
  });
});

describe('jsonAnswer', () => {
  it('is a response of the status with the JSON as its body', async () => {
    const answer = jsonAnswer(400, { statusCode: 400, results: new JsonList(() => [{ a: 1 }]) });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await answer.json()).toEqual({ statusCode: 400, results: [{ a: 1 }] });
  });

  it('closes the list when the client leaves, so what makes it is released', async () => {
    let made = 0;
    let closed = false;
    const items = function* () {
      try {
        for (let i = 0; i < 100_000; i++) {
          made++;
          yield { filename: `credential-${i}.json` };
        }
      } finally {
        closed = true;
      }
    };
    const answer = jsonAnswer(200, { results: new JsonList(items) });
    const reader = answer.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(closed).toBe(true);
    expect(made).toBeLessThan(10_000);
  });
});
