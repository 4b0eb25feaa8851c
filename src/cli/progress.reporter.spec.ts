import { ProgressReporter } from './progress.reporter';

function capture(mode: 'tty' | 'plain' | 'json') {
  let clock = 0;
  const out: string[] = [];
  const err: string[] = [];
  const reporter = new ProgressReporter(
    mode,
    { write: (text: string) => out.push(text) },
    { write: (text: string) => err.push(text) },
    () => clock,
  );
  return { reporter, out, err, tick: (ms: number) => (clock += ms) };
}

describe('ProgressReporter', () => {
  it('draws a bar with percentage, rate and ETA on a terminal, and the result on stdout', () => {
    const { reporter, out, err, tick } = capture('tty');
    reporter.start('geminicli', 1000);
    tick(2000);
    reporter.advance(500);
    expect(err.at(-1)).toBe(
      '\r\x1b[Kgeminicli [############------------] 50% 500/1000 250/s ETA 2s',
    );
    reporter.result({ ok: true }, ['done']);
    expect(err.at(-1)).toBe('\n');
    expect(out).toEqual(['done\n']);
  });

  it('writes plain lines at most every two seconds when not on a terminal, and a last one', () => {
    const { reporter, err, tick } = capture('plain');
    reporter.start('antigravity', 300);
    reporter.advance(100);
    tick(1000);
    reporter.advance(100);
    expect(err).toEqual([]);
    tick(1000);
    reporter.advance(50);
    expect(err).toEqual(['antigravity: 83% 250/300 125/s ETA 1s\n']);
    reporter.finish();
    expect(err).toHaveLength(2);
  });

  it('prints JSON lines for scripts: progress events, notes and one result', () => {
    const { reporter, out, err } = capture('json');
    reporter.note('hello');
    reporter.start('geminicli', 2);
    reporter.advance(2);
    reporter.result({ equal: true }, ['ignored']);
    expect(err).toEqual([]);
    expect(out.map((line) => JSON.parse(line))).toEqual([
      { event: 'note', message: 'hello' },
      { event: 'progress', phase: 'geminicli', done: 0, total: 2 },
      { event: 'progress', phase: 'geminicli', done: 2, total: 2 },
      { event: 'result', equal: true },
    ]);
  });
});
