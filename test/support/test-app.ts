import type { INestApplication } from '@nestjs/common';
import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { tempDir } from './temp-dir';

export interface TestApp {
  app: INestApplication;
  /** Base URL of the app listening on a free loopback port. */
  url: string;
  /** The app's own STORAGE backend. */
  storage: StorageBackend;
  /** The SQLite directory, when no other backend was given. */
  credentialsDir: string;
  close(): Promise<void>;
}

/**
 * The whole gateway in this process, listening on a free loopback port. The environment is read
 * when the app module is first imported in a test file, so every app of one file shares `env`;
 * by default each gets SQLite in a fresh directory. Logs are silenced unless TEST_LOGS=1.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = tempDir('gcli-app-');
  const credentialsDir = env.CREDENTIALS_DIR ?? dir.path;
  Object.assign(process.env, { CREDENTIALS_DIR: credentialsDir, ...env });
  const [{ NestFactory }, { AppModule }, { STORAGE }] = await Promise.all([
    import('@nestjs/core'),
    import('../../src/app.module'),
    import('../../src/storage/storage.constants'),
  ]);
  const app = await NestFactory.create(AppModule, {
    logger: process.env.TEST_LOGS === '1' ? undefined : false,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    storage: app.get<StorageBackend>(STORAGE),
    credentialsDir,
    close: async () => {
      await app.close();
      dir.remove();
    },
  };
}
