import { UsageBuffer } from './usage-buffer';

describe('UsageBuffer', () => {
  it('sums a burst of calls into one increment per counter, on the clock’s UTC day', () => {
    const buffer = new UsageBuffer(() => Date.parse('2026-05-01T23:59:59Z'));
    buffer.attempt('geminicli', 'a.json', 'm', 'success');
    buffer.attempt('geminicli', 'a.json', 'm', 'success');
    buffer.attempt('geminicli', 'a.json', 'm', 429);
    buffer.tokens('geminicli', 'a.json', 'm', { input: 10, output: 4, thinking: 0 });
    const drained = buffer.drain().map((i) => `${i.day} ${i.metric}=${i.by}`);
    expect(drained.sort()).toEqual([
      '2026-05-01 failures:429=1',
      '2026-05-01 input_tokens=10',
      '2026-05-01 output_tokens=4',
      '2026-05-01 requests=3',
      '2026-05-01 successes=2',
    ]);
    expect(buffer.drain()).toEqual([]);
  });

  it('moves to the next day when the clock passes midnight UTC', () => {
    let now = Date.parse('2026-05-01T23:59:59.999Z');
    const buffer = new UsageBuffer(() => now);
    buffer.attempt('geminicli', 'a.json', 'm', 'success');
    now += 1;
    buffer.attempt('geminicli', 'a.json', 'm', 'success');
    const days = buffer
      .drain()
      .filter((i) => i.metric === 'requests')
      .map((i) => i.day);
    expect(days).toEqual(['2026-05-01', '2026-05-02']);
  });

  it('takes back a batch that could not be stored, added to what came since', () => {
    const buffer = new UsageBuffer(() => Date.parse('2026-05-02T00:00:00Z'));
    buffer.attempt('geminicli', 'a.json', 'm', 'success');
    const failed = buffer.drain();
    buffer.attempt('geminicli', 'a.json', 'm', 'success');
    buffer.restore(failed);
    const requests = buffer.drain().find((i) => i.metric === 'requests');
    expect(requests).toMatchObject({ day: '2026-05-02', by: 2 });
  });

  it('keeps a model name storage would refuse under one it takes: cut to 512, no NUL, whole characters', () => {
    const buffer = new UsageBuffer(() => Date.parse('2026-05-02T00:00:00Z'));
    buffer.attempt('geminicli', 'a.json', `${'x'.repeat(511)}\u{1F600}tail`, 404);
    buffer.attempt('geminicli', 'a.json', 'a\0b', 400);
    const models = new Set(buffer.drain().map((i) => i.model));
    expect(models).toEqual(new Set(['x'.repeat(511), 'a\uFFFDb']));
  });
});
