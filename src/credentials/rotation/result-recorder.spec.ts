import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { manualTimers } from '../../../test/support/manual-timers';
import { SqliteBackend } from '../../storage/backends/sqlite.backend';
import { ValidatedStorage } from '../../storage/validated-storage';
import {
  RESULT_BUFFER_SIZE,
  ResultRecorder,
  SUCCESS_BATCH_CALLS,
  SUCCESS_BATCH_MS,
} from './result-recorder.service';

/** On a real SQLite file, closed to play a storage outage and opened again. */
describe('ResultRecorder', () => {
  let dir: string;
  let storage: ValidatedStorage;
  let clock: ReturnType<typeof manualTimers>;
  let recorder: ResultRecorder;
  const success = (at = 1_700_000_000, name = 'a.json') =>
    ({ kind: 'success', ns: 'geminicli', name, modelKey: 'pro', at }) as const;
  const failure = (code: number) =>
    ({ kind: 'failure', ns: 'geminicli', name: 'a.json', input: { code } }) as const;
  const state = async (name = 'a.json') => (await storage.getState('geminicli', name))!;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gcli-results-'));
    storage = new ValidatedStorage(new SqliteBackend({ file: join(dir, 'credentials.db') }));
    await storage.connect();
    await storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
    await storage.upsertCredential('geminicli', 'b.json', { refresh_token: 'r' });
    clock = manualTimers();
    recorder = new ResultRecorder(storage, clock.timers);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the successes of a credential and model once, with their count, after a short wait', async () => {
    const writes = jest.spyOn(storage, 'recordSuccess');
    const recorded = [
      recorder.record(success(1_700_000_001)),
      recorder.record(success(1_700_000_003)),
      recorder.record(success(1_700_000_002)),
      recorder.record(success(1_700_000_004, 'b.json')),
    ];
    expect(recorder.backlog).toEqual({ pending: 4, kept: 0, dropped: 0 });
    expect((await state()).callCount).toBe(0);
    expect([...clock.pending].map((t) => t.ms)).toEqual([SUCCESS_BATCH_MS]);

    clock.fire();
    expect(await Promise.all(recorded)).toEqual([true, true, true, true]);
    expect(writes).toHaveBeenCalledTimes(2);
    expect(await state()).toMatchObject({ callCount: 3, lastSuccess: 1_700_000_003 });
    expect((await state('b.json')).callCount).toBe(1);
    expect(recorder.backlog).toEqual({ pending: 0, kept: 0, dropped: 0 });
  });

  it(`writes without waiting once ${SUCCESS_BATCH_CALLS} successes are gathered`, async () => {
    const recorded = Array.from({ length: SUCCESS_BATCH_CALLS }, () => recorder.record(success()));
    await Promise.all(recorded);
    expect((await state()).callCount).toBe(SUCCESS_BATCH_CALLS);
    expect(clock.pending.size).toBe(0);
  });

  it('lets no gathered success undo a failure recorded after it', async () => {
    const first = recorder.record(success());
    expect(await recorder.record(failure(429))).toBe(true);
    clock.fire();
    expect(await first).toBe(true);
    expect(await state()).toMatchObject({ callCount: 1, errorCodes: [429] });
  });

  it('writes a failure only after the write under way of an earlier success', async () => {
    // The success's write is held up on its way to storage (a slow server), then let through.
    const write = storage.recordSuccess.bind(storage);
    let letThrough!: () => void;
    const held = new Promise<void>((resolve) => (letThrough = resolve));
    jest.spyOn(storage, 'recordSuccess').mockImplementation(async (...args) => {
      await held;
      return write(...args);
    });
    const recorded = recorder.record(success(1_700_000_010));
    clock.fire();
    const failed = recorder.record(failure(500));
    letThrough();
    await Promise.all([recorded, failed]);
    expect(await state()).toMatchObject({
      callCount: 1,
      errorCodes: [500],
      lastSuccess: 1_700_000_010,
    });
  });

  it('writes the gathered successes of a credential on request, for writers of their own', async () => {
    const recorded = recorder.record(success());
    await recorder.settle('geminicli', 'a.json');
    expect((await state()).callCount).toBe(1);
    expect(await recorded).toBe(true);
  });

  it('writes what it gathered before the app shuts down', async () => {
    const recorded = [recorder.record(success()), recorder.record(success())];
    await recorder.beforeApplicationShutdown();
    expect((await state()).callCount).toBe(2);
    expect(await Promise.all(recorded)).toEqual([true, true]);
    expect(clock.pending.size).toBe(0);
  });

  it('keeps results while storage is away and writes them, in order, once it is back', async () => {
    await storage.close();
    const kept = recorder.record(success(1_700_000_001));
    await recorder.flush();
    expect(await kept).toBeUndefined();
    await recorder.record(failure(429));
    void recorder.record(success(1_700_000_002));
    void recorder.record(success(1_700_000_002));
    await recorder.flush();
    expect(recorder.backlog).toEqual({ pending: 4, kept: 4, dropped: 0 });

    await storage.connect();
    await recorder.flush();
    expect(recorder.backlog).toEqual({ pending: 0, kept: 0, dropped: 0 });
    // The failure landed between the successes: the last success cleared its error code.
    expect(await state()).toMatchObject({
      callCount: 3,
      errorCodes: [],
      lastSuccess: 1_700_000_002,
    });
  });

  it('drops the oldest results beyond its bound and says how many', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await storage.close();
    for (let i = 0; i < RESULT_BUFFER_SIZE + 5; i++) await recorder.record(failure(500));
    expect(recorder.backlog.pending).toBe(RESULT_BUFFER_SIZE);
    expect(warn).toHaveBeenCalledWith(
      `Storage is unavailable and ${RESULT_BUFFER_SIZE} call results wait: dropping the oldest until it is back`,
    );

    await storage.connect();
    await recorder.flush();
    expect(recorder.backlog).toEqual({ pending: 0, kept: 0, dropped: 5 });
    expect(warn).toHaveBeenCalledWith(
      `5 call results were dropped while storage was unavailable (at most ${RESULT_BUFFER_SIZE} are kept)`,
    );
    expect(JSON.stringify(warn.mock.calls)).not.toContain('a.json');
  });
});
