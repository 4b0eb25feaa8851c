import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { tempDir } from '../../../test/support/temp-dir';
import { SqliteBackend } from '../backends/sqlite.backend';
import type { BackendCandidate } from '../select-backend';
import { ComebackChecker, type CheckTimers } from './comeback-checker';

/** Timers driven by hand: `fire()` runs the one pending callback, as time passing would. */
function manualTimers() {
  const pending: Array<{ run: () => void; ms: number }> = [];
  const timers: CheckTimers = {
    setTimeout: (run, ms) => {
      const entry = { run, ms };
      pending.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      const at = pending.indexOf(handle as (typeof pending)[number]);
      if (at >= 0) pending.splice(at, 1);
    },
  };
  return { timers, pending };
}

/** Every line logged, as `level: text`. */
function recordingLogger() {
  const lines: string[] = [];
  const logger: LoggerService = {
    log: (text: string) => lines.push(`log: ${text}`),
    warn: (text: string) => lines.push(`warn: ${text}`),
    error: (text: string) => lines.push(`error: ${text}`),
  };
  return { logger, lines };
}

describe('ComebackChecker', () => {
  const dir = tempDir('gcli-comeback-');
  // A regular file where the database's directory should be: connecting fails until it goes.
  const blocker = join(dir.path, 'remote');
  const requested: BackendCandidate = {
    kind: 'postgresql',
    label: 'PostgreSQL',
    target: 'postgres://gcli:***@db:5432/gcli',
    secrets: [],
    create: () => new SqliteBackend({ file: join(blocker, 'credentials.db') }),
  };
  let now = Date.parse('2030-01-01T00:00:00Z');
  const clock = { now: () => now };

  const block = () => {
    rmSync(blocker, { recursive: true, force: true });
    writeFileSync(blocker, 'not a directory');
  };
  const unblock = () => rmSync(blocker, { recursive: true, force: true });

  beforeEach(block);
  afterAll(() => dir.remove());

  const checker = (timers: CheckTimers, logger: LoggerService) =>
    new ComebackChecker({
      requested,
      active: { kind: 'sqlite', label: 'SQLite', target: '/srv/creds/credentials.db' },
      intervalMs: 30_000,
      connectTimeoutMs: 5_000,
      clock,
      timers,
      logger,
    });

  it('says once, with what a restart would change, when the backend asked for answers again', async () => {
    const { logger, lines } = recordingLogger();
    const watch = checker(manualTimers().timers, logger);
    expect(watch.status()).toMatchObject({ reachable: null, checkedAt: null });

    const down = await watch.check();
    expect(down).toMatchObject({ requested: 'postgresql', active: 'sqlite', reachable: false });
    expect(down.error).toBeDefined();
    expect(down.advice).toMatch(/still unreachable .*keeps using SQLite/);
    await watch.check();
    expect(lines).toEqual([]);

    unblock();
    now += 30_000;
    const up = await watch.check();
    expect(up).toMatchObject({
      reachable: true,
      checkedAt: '2030-01-01T00:00:30.000Z',
      reachableSince: '2030-01-01T00:00:30.000Z',
    });
    expect(up.error).toBeUndefined();
    expect(up.advice).toBe(
      'PostgreSQL at postgres://gcli:***@db:5432/gcli is reachable again; restart the gateway to ' +
        'use it. Writes made since start-up are in SQLite (/srv/creds/credentials.db) and a ' +
        'restart would not see them: copy them first with `gcli2api storage migrate --from ' +
        '/srv/creds/credentials.db --to <the PostgreSQL URL>` (--dry-run shows what would change).',
    );
    now += 30_000;
    expect((await watch.check()).reachableSince).toBe('2030-01-01T00:00:30.000Z');
    expect(lines).toEqual([`warn: ${up.advice}`]);
  });

  it('says once when the backend is lost again, and again when it comes back', async () => {
    const { logger, lines } = recordingLogger();
    const watch = checker(manualTimers().timers, logger);
    unblock();
    await watch.check();
    block();
    await watch.check();
    await watch.check();
    unblock();
    await watch.check();
    expect(lines).toEqual([
      expect.stringMatching(/^warn: PostgreSQL at .* is reachable again/),
      expect.stringMatching(/^log: PostgreSQL at .* is unreachable again/),
      expect.stringMatching(/^warn: PostgreSQL at .* is reachable again/),
    ]);
  });

  it('checks one interval after the last check ended, until stopped', async () => {
    const { timers, pending } = manualTimers();
    const watch = checker(timers, recordingLogger().logger);
    watch.start();
    expect(pending.map((entry) => entry.ms)).toEqual([30_000]);
    expect(watch.status().checkedAt).toBeNull();

    // Time passes: the timer fires, the check runs, and only then is the next one scheduled.
    const [first] = pending.splice(0);
    first.run();
    expect(pending).toEqual([]);
    while (pending.length === 0) await new Promise((done) => setImmediate(done));
    expect(watch.status().reachable).toBe(false);
    expect(pending.map((entry) => entry.ms)).toEqual([30_000]);

    watch.stop();
    expect(pending).toEqual([]);
  });
});
