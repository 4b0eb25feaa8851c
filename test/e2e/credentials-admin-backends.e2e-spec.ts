import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { GATEWAY_APP_OPTIONS } from '../../src/app.options';
import { AppModule } from '../../src/app.module';
import { SettingsService } from '../../src/config/settings.service';
import { validateEnv } from '../../src/env/env.schema';
import {
  NAMESPACES,
  type BackendKind,
  type CredentialData,
  type StorageBackend,
} from '../../src/storage/storage-backend.interface';
import { storageCandidates } from '../../src/storage/storage-candidates';
import { STORAGE } from '../../src/storage/storage.constants';
import { STORAGE_MODULE_OPTIONS } from '../../src/storage/storage.module-definition';
import { type AuthHeaders, panelLogin } from '../support/panel-login';
import { describeWithServers, serverUrl } from '../support/server-env';
import { createPostgresDatabase, dropPostgresDatabase } from '../support/servers';

/**
 * The listing, batch and dedupe routes once more on each networked backend. The app's
 * environment is fixed when the app module is first imported, so instead of one spec file per
 * backend, each app here gets its storage options replaced with the one backend under test.
 */
const unique = () => randomBytes(5).toString('hex');
const postgresDatabases: string[] = [];

/** `many`: how many credentials the dedupe test uses; FerretDB takes ~10 ms per write. */
const backends: Array<{
  kind: BackendKind;
  env: () => Promise<Record<string, string>>;
  many: number;
}> = [
  {
    kind: 'valkey',
    env: async () => ({ REDIS_URL: serverUrl('redis').url!, REDIS_KEY_PREFIX: `adm:${unique()}:` }),
    many: 1_500,
  },
  {
    kind: 'postgresql',
    env: async () => {
      const name = `gcli_admin_${unique()}`;
      postgresDatabases.push(name);
      return { POSTGRES_DSN: await createPostgresDatabase(serverUrl('postgres').url!, name) };
    },
    many: 1_500,
  },
  {
    kind: 'mongodb',
    env: async () => ({
      MONGODB_URI: serverUrl('mongodb').url!,
      MONGODB_DATABASE: `gcli_admin_${unique()}`,
    }),
    many: 300,
  },
];

async function startApp(env: Record<string, string>) {
  const candidates = storageCandidates(validateEnv({ ...process.env, ...env })).slice(0, 1);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(STORAGE_MODULE_OPTIONS)
    .useValue({ candidates, fallback: false, connectTimeoutMs: 10_000 })
    .setLogger({ log() {}, error() {}, warn() {} })
    .compile();
  const app = moduleRef.createNestApplication({ ...GATEWAY_APP_OPTIONS, logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const auth = await panelLogin(url, app.get(SettingsService).panelPassword().value);
  return { app, url, auth, storage: app.get<StorageBackend>(STORAGE) };
}

const credential = (token: string): CredentialData => ({
  client_id: 'client.apps.googleusercontent.com',
  client_secret: `GOCSPX-${token}`,
  refresh_token: `1//${token}`,
  token: `ya29.${token}`,
});

afterAll(async () => {
  for (const name of postgresDatabases) {
    await dropPostgresDatabase(serverUrl('postgres').url!, name);
  }
});

describeWithServers(['redis', 'postgres', 'mongodb']).each(backends)(
  'credential admin routes on $kind',
  ({ kind, env, many }) => {
    let app: INestApplication;
    let url: string;
    let auth: AuthHeaders;
    let storage: StorageBackend;

    beforeAll(async () => {
      ({ app, url, auth, storage } = await startApp(await env()));
    }, 60_000);
    afterAll(() => app?.close());
    beforeEach(async () => {
      for (const ns of NAMESPACES) {
        await Promise.all(
          (await storage.listCredentialNames(ns)).map((n) => storage.deleteCredential(ns, n)),
        );
      }
    }, 60_000);

    const get = async (path: string) =>
      (await fetch(`${url}${path}`, { headers: auth })).json() as Promise<any>;
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as any;
    };
    const names = (body: any) => body.items.map((item: { filename: string }) => item.filename);

    it('lists with filters, pages and stats, without secrets', async () => {
      await storage.upsertCredentials(
        'geminicli',
        ['a', 'b', 'c', 'd', 'e'].map((n) => ({ name: `${n}.json`, data: credential(n) })),
      );
      await storage.updateState('geminicli', 'b.json', { disabled: true });
      await storage.recordFailure('geminicli', 'c.json', { code: 403 });
      await storage.recordFailure('geminicli', 'd.json', {
        code: 429,
        modelKey: 'pro',
        cooldownUntil: Math.floor(Date.now() / 1000) + 3600,
      });

      const page = await get('/creds/status?offset=1&limit=2');
      expect(names(page)).toEqual(['b.json', 'c.json']);
      expect(page).toMatchObject({ total: 5, offset: 1, limit: 2, has_more: true });
      expect(page.stats).toEqual({ total: 5, normal: 4, disabled: 1 });
      expect(page.items[0]).toMatchObject({ disabled: true, backend_type: kind });
      expect(JSON.stringify(page)).not.toMatch(/GOCSPX|ya29|1\/\//);

      expect(names(await get('/creds/status?status_filter=disabled'))).toEqual(['b.json']);
      expect(names(await get('/creds/status?error_code_filter=403'))).toEqual(['c.json']);
      expect(names(await get('/creds/status?cooldown_filter=in_cooldown&model_key=pro'))).toEqual([
        'd.json',
      ]);
      expect(names(await get('/creds/status?cooldown_filter=no_cooldown'))).toEqual([
        'a.json',
        'b.json',
        'c.json',
        'e.json',
      ]);
      expect((await get('/antigravity/creds/status')).total).toBe(0);
    });

    it('runs a batch with known and unknown names', async () => {
      await storage.upsertCredentials('geminicli', [
        { name: 'a.json', data: credential('a') },
        { name: 'b.json', data: credential('b') },
      ]);
      const disabled = await post('/creds/batch-action', {
        action: 'disable',
        filenames: ['a.json', 'ghost.json'],
      });
      expect(disabled).toMatchObject({
        success_count: 1,
        total_count: 2,
        succeeded_files: ['a.json'],
        failures: [{ filename: 'ghost.json' }],
      });
      expect((await storage.getState('geminicli', 'a.json'))?.disabled).toBe(true);

      const deleted = await post('/creds/batch-action', {
        action: 'delete',
        filenames: ['a.json', 'b.json', 'ghost.json'],
      });
      expect(deleted).toMatchObject({ success_count: 2, total_count: 3 });
      expect(await storage.listCredentialNames('geminicli')).toEqual([]);
    });

    it(`dedupes ${many} credentials, keeping the newest success or else the first imported`, async () => {
      const groups = many / 3;
      const entries = Array.from({ length: many }, (_, i) => ({
        name: `m-${i}.json`,
        token: `group-${i % groups}`,
        // The first tenth of the groups tie, so the first imported (m-<group>) stays.
        lastSuccess: i % groups < groups / 10 ? 1_000 : 1_000 + ((i * 7_919) % many),
      }));
      await storage.upsertCredentials(
        'geminicli',
        entries.map((e) => ({ name: e.name, data: credential(e.token) })),
      );
      await storage.upsertCredential('geminicli', 'no-token.json', { client_id: 'x' });
      for (let i = 0; i < entries.length; i += 100) {
        await Promise.all(
          entries
            .slice(i, i + 100)
            .map((e) => storage.updateState('geminicli', e.name, { lastSuccess: e.lastSuccess })),
        );
      }
      const newest = new Map<string, (typeof entries)[number]>();
      for (const e of entries) {
        const best = newest.get(e.token);
        if (!best || e.lastSuccess > best.lastSuccess) newest.set(e.token, e);
      }

      const body = await post('/creds/dedupe', {});

      const kept = [...newest.values()].map((e) => e.name);
      expect(body).toMatchObject({ success: true, groups });
      expect(body.removed).toHaveLength(many - groups);
      expect([...body.kept].sort()).toEqual([...kept].sort());
      expect(kept).toContain('m-0.json');
      expect((await storage.listCredentialNames('geminicli')).sort()).toEqual(
        [...kept, 'no-token.json'].sort(),
      );
    }, 60_000);
  },
);
