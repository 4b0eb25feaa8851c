import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFile } from './log-file';

describe('LogFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gcli-logfile-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates by size and keeps the configured number of old files', async () => {
    const path = join(dir, 'log.txt');
    const file = LogFile.at(path, 100, 2);
    const line = (n: number) => `${String(n).padStart(3, '0')} ${'x'.repeat(45)}\n`;
    for (let n = 0; n < 8; n++) file.append(line(n));
    // Two 50-byte lines fill a file: 8 lines make 4 files, of which the newest 3 are kept.
    expect(await file.tail(10)).toEqual([line(6).trimEnd(), line(7).trimEnd()]);
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(existsSync(`${path}.2`)).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('hands every line to its followers, writes them in order and clears to empty', async () => {
    const file = LogFile.at(join(dir, 'follow.txt'));
    const seen: string[] = [];
    const stop = file.follow((line) => seen.push(line));
    file.append('one\n');
    stop();
    file.append('two\n');
    expect(seen).toEqual(['one\n']);
    expect(await file.hasContent()).toBe(true);
    expect(readFileSync(file.path, 'utf8')).toBe('one\ntwo\n');
    await file.clear();
    expect(await file.hasContent()).toBe(false);
  });
});
