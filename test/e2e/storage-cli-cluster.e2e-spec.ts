import { randomBytes } from 'node:crypto';
import { RedisBackend } from '../../src/storage/backends/redis.backend';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { describeWithServers, serverUrl } from '../support/server-env';
import { dropStores, freshStore, resultOf, runCli, seed, snapshot } from './support/cli-stores';

/**
 * Moving from one Valkey to a cluster is the documented way up (a cluster names its keys with
 * hash tags, a single server does not): the command line copies everything, state included.
 */
describeWithServers(['redis', 'redis-cluster'])('gcli2api storage migrate to a cluster', () => {
  afterEach(dropStores);

  it('copies every credential with its whole state and every setting to a cluster', async () => {
    const from = await freshStore('valkey');
    const source = await from.open();
    await seed(source, 30);
    const expected = await snapshot(source);
    await source.close();
    // The users' spelling of the scheme works too.
    const cluster = serverUrl('redis-cluster').url!;
    const keyPrefix = `cli:${randomBytes(6).toString('hex')}:`;
    const to = cluster.replace(/^redis/, 'valkey');

    const run = await runCli([
      ...['storage', 'migrate', '--from', from.location, ...from.flags('from')],
      ...['--to', to, '--to-key-prefix', keyPrefix, '--json'],
    ]);
    expect(run.code).toBe(0);
    expect(resultOf(run)).toMatchObject({ event: 'result' });

    const target = new ValidatedStorage(new RedisBackend({ url: cluster, keyPrefix }));
    await target.connect();
    try {
      expect(await snapshot(target)).toEqual(expected);
      expect(await target.info()).toMatchObject({ kind: 'valkey', cluster: true });
    } finally {
      await target.close();
    }
  });
});
