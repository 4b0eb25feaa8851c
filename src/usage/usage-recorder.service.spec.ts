import { jest } from '@jest/globals';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { GatewayEnv } from '../env/env.schema';
import { SqliteBackend } from '../storage/backends/sqlite.backend';
import { StorageUnavailableError, UsageWriteError } from '../storage/storage.errors';
import type { UsageStore } from '../storage/stores/usage-store.interface';
import { ValidatedStorage } from '../storage/validated-storage';
import { tempDir } from '../../test/support/temp-dir';
import { UsageBuffer } from './usage-buffer';
import { UsageRecorder } from './usage-recorder.service';

const NS = 'geminicli';
/** Now: pruning keeps the last USAGE_RETENTION_DAYS by the wall clock. */
const NOW = Date.now();
const settings: Partial<GatewayEnv> = { USAGE_FLUSH_MS: 60_000, USAGE_RETENTION_DAYS: 30 };
const config = {
  get: (key: keyof GatewayEnv) => settings[key],
} as unknown as ConfigService<GatewayEnv, true>;

/** The recorder writing to a real SQLite store; `faults` makes chosen store calls fail once. */
describe('UsageRecorder', () => {
  const dir = tempDir('gcli-usage-recorder-');
  let storage: ValidatedStorage;
  let buffer: UsageBuffer;
  let recorder: UsageRecorder;
  const faults = new Set<keyof UsageStore>();

  beforeEach(async () => {
    storage = new ValidatedStorage(new SqliteBackend({ file: join(dir.path, 'u.db') }));
    await storage.connect();
    const store: UsageStore = {
      incrementUsage: (increments) =>
        failOnce('incrementUsage') ?? storage.incrementUsage(increments),
      listUsage: (filter) => storage.listUsage(filter),
      deleteUsage: (filter) => failOnce('deleteUsage') ?? storage.deleteUsage(filter),
    };
    buffer = new UsageBuffer(() => NOW);
    recorder = new UsageRecorder(buffer, store, config);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    faults.clear();
    await storage.close();
    dir.remove();
  });

  function failOnce(call: keyof UsageStore): Promise<never> | undefined {
    if (!faults.delete(call)) return undefined;
    return Promise.reject(new StorageUnavailableError(`${call} failed`));
  }

  const requests = async (model = 'gemini-2.5-pro') =>
    (await storage.listUsage({ model })).find((c) => c.metric === 'requests')?.value;

  it('stores a batch once when pruning old counters fails after the write', async () => {
    buffer.attempt(NS, 'a.json', 'gemini-2.5-pro', 'success');
    faults.add('deleteUsage');
    await recorder.flush();
    await recorder.flush();
    expect(await requests()).toBe(1);
  });

  it('keeps a batch the store could not take, and stores it with the next flush', async () => {
    buffer.attempt(NS, 'a.json', 'gemini-2.5-pro', 'success');
    faults.add('incrementUsage');
    await recorder.flush();
    expect(await requests()).toBeUndefined();
    buffer.attempt(NS, 'a.json', 'gemini-2.5-pro', 'success');
    await recorder.flush();
    expect(await requests()).toBe(2);
  });

  it('tries again only the increments a partial write says it did not write', async () => {
    const store = (recorder as unknown as { usage: UsageStore }).usage;
    const write = store.incrementUsage;
    store.incrementUsage = async (increments) => {
      store.incrementUsage = write;
      const [first, ...rest] = increments.filter((i) => i.metric === 'requests');
      await storage.incrementUsage([first]);
      throw new UsageWriteError('1 of 2 usage documents were not written', 'mongodb', rest);
    };
    buffer.attempt(NS, 'a.json', 'gemini-2.5-pro', 404);
    buffer.attempt(NS, 'a.json', 'gemini-2.5-flash', 404);
    await recorder.flush();
    await recorder.flush();
    expect(await requests('gemini-2.5-pro')).toBe(1);
    expect(await requests('gemini-2.5-flash')).toBe(1);
  });

  it('counts a model name storage would refuse under a name it takes, and the others too', async () => {
    const long = `m${'x'.repeat(700)}`;
    buffer.attempt(NS, 'a.json', long, 404);
    buffer.attempt(NS, 'a.json', 'bad\0name', 400);
    buffer.attempt(NS, 'a.json', 'gemini-2.5-pro', 'success');
    await recorder.flush();
    expect(await requests()).toBe(1);
    expect(await requests(long.slice(0, 512))).toBe(1);
    expect(await requests('bad\uFFFDname')).toBe(1);
  });

  it('drops a batch storage refuses rather than retrying it with every flush', async () => {
    const refused = [
      { day: 'yesterday', ns: NS, credential: 'a.json', model: 'm', metric: 'requests', by: 1 },
    ];
    jest.spyOn(buffer, 'drain').mockReturnValueOnce(refused as never);
    await recorder.flush();
    buffer.attempt(NS, 'a.json', 'gemini-2.5-pro', 'success');
    await recorder.flush();
    expect(await requests()).toBe(1);
    expect(Logger.prototype.error).toHaveBeenCalledWith(
      expect.stringMatching(/refused by storage, dropped: .*day/),
    );
  });
});
