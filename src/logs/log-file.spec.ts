import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
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

  it('follows a file another process rotated: its next lines go to the new file, not the old', async () => {
    const path = join(dir, 'shared.txt');
    // Another gateway process (a worker that does not rotate) writing the same file.
    const other = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-e',
        `const { existsSync } = require('node:fs');
         const { LogFile } = require(${JSON.stringify(resolve('src/logs/log-file.ts'))});
         const path = ${JSON.stringify(path)};
         const file = LogFile.at(path, 1e6, 1, { rotates: false });
         file.append('other 1\\n');
         const wait = setInterval(() => {
           if (!existsSync(path + '.1')) return;
           clearInterval(wait);
           // Past its look-again interval, as a busy worker's next line would be.
           setTimeout(() => file.append('other 2\\n'), 1100);
         }, 20);`,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((done) => other.once('exit', done));
    const file = LogFile.at(path, 100, 1);
    while (!(existsSync(path) && readFileSync(path, 'utf8').includes('other 1'))) {
      await new Promise((done) => setTimeout(done, 20));
    }
    for (let n = 0; n < 3; n++) file.append(`mine ${n} ${'x'.repeat(40)}\n`);
    await exited;
    await file.tail(1);
    expect(readFileSync(`${path}.1`, 'utf8')).not.toContain('other 2');
    expect(readFileSync(path, 'utf8')).toContain('other 2');
  }, 20_000);

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
