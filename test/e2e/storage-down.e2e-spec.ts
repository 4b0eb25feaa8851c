import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { GATEWAY_APP_OPTIONS } from '../../src/app.options';
import { SettingsService } from '../../src/config/settings.service';
import { STORAGE } from '../../src/storage/storage.constants';
import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { tempDir } from '../support/temp-dir';

describe('when storage goes away after start-up', () => {
  const dir = tempDir('gcli-down-');
  let app: INestApplication;

  beforeAll(async () => {
    process.env.CREDENTIALS_DIR = dir.path;
    const { AppModule } = await import('../../src/app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .setLogger({ log() {}, error() {}, warn() {} })
      .compile();
    app = moduleRef.createNestApplication({ ...GATEWAY_APP_OPTIONS, logger: false });
    await app.init();
    // Compiling the whole app on a busy machine can take longer than Jest's default 5 s.
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    delete process.env.CREDENTIALS_DIR;
    dir.remove();
  });

  it('reports up while storage answers, then degraded with the reason once it is gone', async () => {
    const server = app.getHttpServer();
    await request(server).get('/health').expect(200);
    // Logging in needs storage, so the session is made before storage goes away.
    const password = app.get(SettingsService).panelPassword().value;
    const login = await request(server).post('/auth/login').send({ password }).expect(200);
    const authorization = `Bearer ${login.body.token}`;

    await app.get<StorageBackend>(STORAGE).close();

    const health = await request(server).get('/health').expect(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.info.storage).toMatchObject({
      status: 'degraded',
      backend: 'sqlite',
      reachable: false,
    });
    expect(health.body.info.storage.message).toMatch(/not connected/);

    const info = await request(server)
      .get('/api/auth/storage-info')
      .set('authorization', authorization)
      .expect(503);
    expect(info.body.message).toMatch(/^Storage is unavailable: /);

    await request(server).get('/health/live').expect(200);
  });
});
