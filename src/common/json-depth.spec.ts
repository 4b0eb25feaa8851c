import { nestsDeeperThan } from './json-depth';

const deeper = (text: string, limit: number) => nestsDeeperThan(Buffer.from(text), limit);

describe('nestsDeeperThan', () => {
  it('counts arrays and objects alike, and allows exactly the limit', () => {
    expect(deeper('0', 0)).toBe(false);
    expect(deeper('[]', 0)).toBe(true);
    expect(deeper('[{"a":[1]}]', 3)).toBe(false);
    expect(deeper('[{"a":[1]}]', 2)).toBe(true);
    expect(deeper(`${'['.repeat(5000)}${']'.repeat(5000)}`, 128)).toBe(true);
  });

  it('measures the deepest point, not the number of brackets', () => {
    const wide = JSON.stringify(Array.from({ length: 1000 }, () => [[{ a: [1] }]]));
    expect(deeper(wide, 5)).toBe(false);
    expect(deeper(wide, 4)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[[{{{{', b: 'say "[[[[" \\', c: '\\"[[[[' });
    expect(deeper(text, 1)).toBe(false);
    // Long strings (past the byte-by-byte walk) with escaped quotes in them.
    const long = JSON.stringify({ a: `${'x'.repeat(100)}"[[[["${'\\'.repeat(7)}"[[[[` });
    expect(deeper(long, 1)).toBe(false);
    expect(deeper(`{"a":"${'\\\\'.repeat(40)}",${'['.repeat(3)}]]]}`, 3)).toBe(true);
  });

  it('reads UTF-8 text without mistaking multi-byte characters for brackets', () => {
    expect(deeper(JSON.stringify({ a: '获取天气 [[[ 🌧', b: ['é'] }), 2)).toBe(false);
  });

  it('answers something for malformed or unterminated JSON, for the parser to report', () => {
    expect(typeof deeper('{"a": "unterminated [[[[', 1)).toBe('boolean');
    expect(deeper(']]]]', 1)).toBe(false);
  });
});
