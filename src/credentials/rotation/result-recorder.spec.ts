import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SqliteBackend } from '../../storage/backends/sqlite.backend';
import { ValidatedStorage } from '../../storage/validated-storage';
import { RESULT_BUFFER_SIZE, ResultRecorder } from './result-recorder.service';

/** On a real SQLite file, closed to play a storage outage and opened again. */
describe('ResultRecorder', () => {
  let dir: string;
  let storage: ValidatedStorage;
  let recorder: ResultRecorder;
  const success = (at = 1_700_000_000) =>
    ({ kind: 'success', ns: 'geminicli', name: 'a.json', modelKey: 'pro', at }) as const;
  const callCount = async () => (await storage.getState('geminicli', 'a.json'))!.callCount;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gcli-results-'));
    storage = new ValidatedStorage(new SqliteBackend({ file: join(dir, 'credentials.db') }));
    await storage.connect();
    await storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
    recorder = new ResultRecorder(storage);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes at once while storage answers', async () => {
    expect(await recorder.record(success())).toBe(true);
    expect(await callCount()).toBe(1);
    expect(recorder.backlog).toEqual({ pending: 0, dropped: 0 });
  });

  it('keeps results while storage is away and writes them, in order, once it is back', async () => {
    await storage.close();
    expect(await recorder.record(success(1_700_000_001))).toBeUndefined();
    await recorder.record({
      kind: 'failure',
      ns: 'geminicli',
      name: 'a.json',
      input: { code: 429 },
    });
    await recorder.record(success(1_700_000_002));
    expect(recorder.backlog).toEqual({ pending: 3, dropped: 0 });
    await recorder.flush();
    expect(recorder.backlog.pending).toBe(3);

    await storage.connect();
    await recorder.flush();
    expect(recorder.backlog).toEqual({ pending: 0, dropped: 0 });
    // The failure landed between the successes: the last success cleared its error code.
    expect(await storage.getState('geminicli', 'a.json')).toMatchObject({
      callCount: 2,
      errorCodes: [],
      lastSuccess: 1_700_000_002,
    });
  });

  it('drops the oldest results beyond its bound and says how many', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await storage.close();
    for (let i = 0; i < RESULT_BUFFER_SIZE + 5; i++) await recorder.record(success());
    expect(recorder.backlog.pending).toBe(RESULT_BUFFER_SIZE);
    expect(warn).toHaveBeenCalledWith(
      `Storage is unavailable and ${RESULT_BUFFER_SIZE} call results wait: dropping the oldest until it is back`,
    );

    await storage.connect();
    await recorder.flush();
    expect(await callCount()).toBe(RESULT_BUFFER_SIZE);
    expect(recorder.backlog).toEqual({ pending: 0, dropped: 5 });
    expect(warn).toHaveBeenCalledWith(
      `5 call results were dropped while storage was unavailable (at most ${RESULT_BUFFER_SIZE} are kept)`,
    );
    expect(JSON.stringify(warn.mock.calls)).not.toContain('a.json');
  });
});
