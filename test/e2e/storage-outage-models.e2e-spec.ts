import { describeWithServers } from '../support/server-env';
import { type ServerHandle, startRedis } from '../support/servers';
import { type ModelGateway, postChat, startModelGateway } from './support/model-gateway';
import { waitFor } from './support/storage-cases';

/**
 * Redis is killed while the model APIs are in use: everything a call needs is in memory, so calls
 * go on; what they did is written once Redis is back.
 */
describeWithServers(['redis'])('model calls while storage is away', () => {
  let redis: ServerHandle;
  let g: ModelGateway;

  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
    g = await startModelGateway(3, {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'models-outage:',
      STORAGE_FALLBACK: 'false',
      STORAGE_CONNECT_TIMEOUT_MS: '2000',
    });
  }, 60_000);

  afterAll(async () => {
    await g?.close();
    await redis?.dispose();
  });

  const chat = () => postChat(g.app.url);

  const health = async () => {
    const response = await fetch(`${g.app.url}/health`);
    return { status: response.status, body: (await response.json()) as any };
  };

  /** Successful calls recorded in storage, over every credential. */
  const recordedCalls = async () => {
    let total = 0;
    for (const c of g.credentials) {
      total += (await g.app.storage.getState('geminicli', c.name))?.callCount ?? 0;
    }
    return total;
  };

  it('keeps answering from memory, says degraded, refuses admin writes, and records the calls later', async () => {
    for (let i = 0; i < 3; i++) expect((await chat()).status).toBe(200);
    await waitFor('the first calls to be recorded', async () => (await recordedCalls()) === 3);
    // A change just before the outage (here a setting) makes what the gateway knows of each
    // credential stale; it must still serve from it while storage cannot be asked.
    await g.configure({ anti_truncation_max_attempts: 4 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    await redis.kill();
    const during = [];
    for (let i = 0; i < 12; i++) during.push((await chat()).status);
    expect(during).toEqual(Array(12).fill(200));
    expect(g.assist.calls().length).toBe(15);

    // The calls' successes are gathered for up to 250 ms before their write is tried: once it
    // fails they are held back, and the results say degraded too.
    await waitFor(
      'the gathered successes to be held back',
      async () => (await health()).body.info.results.status === 'degraded',
    );
    const degraded = await health();
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.info.storage).toMatchObject({
      status: 'degraded',
      backend: 'valkey',
      reachable: false,
    });
    expect(degraded.body.info.results).toMatchObject({
      status: 'degraded',
      pending: 12,
      dropped: 0,
    });
    const save = await fetch(`${g.app.url}/config/save`, {
      method: 'POST',
      headers: { ...g.app.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ config: { calls_per_rotation: 2 } }),
    });
    expect(save.status).toBe(503);

    await redis.start();
    await waitFor('storage to be up', async () => (await health()).body.status === 'ok');
    await waitFor('the buffered calls to be recorded', async () => (await recordedCalls()) === 15);
    expect((await health()).body.info).toMatchObject({
      storage: { status: 'up', reachable: true },
      results: { status: 'up', pending: 0 },
    });
  }, 60_000);
});
