import { randomBytes } from 'node:crypto';
import { describeWithServers, serverUrl } from '../support/server-env';
import { createTestApp, type TestApp } from '../support/test-app';

const BURST = 40;
const LIMIT = 5;
let clients = 0;
/** A client address of its own per burst (one proxy hop is trusted). */
const client = () => ({ 'x-forwarded-for': `203.0.113.${++clients}` });

/**
 * Five wrong passwords a minute per client, also when the guesses arrive all at once: the
 * throttle's check and its count must not be split by a storage round trip (Valkey answers
 * over the network, so a burst used to pass the check before any failure was counted).
 */
describeWithServers(['redis'])('password throttle under a burst of parallel guesses', () => {
  for (const backend of ['sqlite', 'valkey'] as const) {
    describe(backend, () => {
      let t: TestApp;
      const env: Record<string, string> = { TRUST_PROXY: '1', API_PASSWORD: 'api-secret' };
      beforeAll(async () => {
        if (backend === 'valkey') {
          env.REDIS_URL = serverUrl('redis').url!;
          env.REDIS_KEY_PREFIX = `burst:${randomBytes(4).toString('hex')}:`;
        }
        t = await createTestApp(env, { login: false });
      });
      afterAll(() => t.close());

      const statuses = (responses: Response[]) => {
        const count = (status: number) => responses.filter((r) => r.status === status).length;
        return { checked: responses.length - count(429), throttled: count(429) };
      };

      it(`checks ${LIMIT} of ${BURST} parallel wrong panel passwords, refuses the rest with 429`, async () => {
        const headers = { ...client(), 'content-type': 'application/json' };
        const responses = await Promise.all(
          Array.from({ length: BURST }, () =>
            fetch(`${t.url}/auth/login`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ password: 'wrong' }),
            }),
          ),
        );
        expect(statuses(responses)).toEqual({ checked: LIMIT, throttled: BURST - LIMIT });
        const right = await fetch(`${t.url}/auth/login`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ password: t.panelPassword }),
        });
        expect(right.status).toBe(429);
      });

      it(`checks ${LIMIT} of ${BURST} parallel wrong API keys sent to two gateways`, async () => {
        const other = await createTestApp(env, { login: false });
        try {
          const headers = { ...client(), authorization: 'Bearer wrong' };
          const responses = await Promise.all(
            Array.from({ length: BURST }, (_, i) =>
              fetch(`${i % 2 ? other.url : t.url}/v1/models`, { headers }),
            ),
          );
          expect(statuses(responses)).toEqual({ checked: LIMIT, throttled: BURST - LIMIT });
        } finally {
          await other.close();
        }
      });

      it(`checks ${LIMIT} of ${BURST} parallel wrong API keys`, async () => {
        const headers = { ...client(), authorization: 'Bearer wrong' };
        const responses = await Promise.all(
          Array.from({ length: BURST }, () => fetch(`${t.url}/v1/models`, { headers })),
        );
        expect(statuses(responses)).toEqual({ checked: LIMIT, throttled: BURST - LIMIT });
      });
    });
  }
});
