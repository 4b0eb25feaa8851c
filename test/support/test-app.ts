import type { NestExpressApplication } from '@nestjs/platform-express';
import { GATEWAY_APP_OPTIONS } from '../../src/app.options';
import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import { type AuthHeaders, panelLogin } from './panel-login';
import { tempDir } from './temp-dir';

export interface TestApp {
  app: NestExpressApplication;
  /** Base URL of the app listening on a free loopback port. */
  url: string;
  /** Headers with a panel session, logged in with the app's effective panel password. */
  auth: AuthHeaders;
  /** The app's effective panel password. */
  panelPassword: string;
  /** The app's own STORAGE backend. */
  storage: StorageBackend;
  /** The SQLite directory, when no other backend was given. */
  credentialsDir: string;
  close(): Promise<void>;
}

/**
 * The whole gateway in this process, listening on a free loopback port. The environment is read
 * when the app module is first imported in a test file, so every app of one file shares `env`;
 * by default each gets SQLite in a fresh directory. Logs are silenced unless TEST_LOGS=1. Unless
 * `login` is false, it logs in to the panel (`auth` carries the session).
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { login?: boolean } = {},
): Promise<TestApp> {
  const dir = tempDir('gcli-app-');
  const credentialsDir = env.CREDENTIALS_DIR ?? dir.path;
  Object.assign(process.env, {
    CREDENTIALS_DIR: credentialsDir,
    STORAGE_STARTUP_RETRY_MS: '0',
    // Its collections would run in the test runner's own heap, once per app; the gateways the
    // process tests start (gateway-process.ts) run it.
    IDLE_GC_MB: '0',
    ...env,
  });
  const [{ NestFactory }, { AppModule }, { STORAGE }] = await Promise.all([
    import('@nestjs/core'),
    import('../../src/app.module'),
    import('../../src/storage/storage.constants'),
  ]);
  // Imported after the app module: Jest's ES module loader fails on a concurrent second import.
  const { configureApp } = await import('../../src/app.setup');
  const { SettingsService } = await import('../../src/config/settings.service');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    ...GATEWAY_APP_OPTIONS,
    logger: process.env.TEST_LOGS === '1' ? undefined : false,
  });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const panelPassword = app.get(SettingsService).panelPassword().value;
  let auth: AuthHeaders = { authorization: 'Bearer not-logged-in' };
  if (options.login ?? true) {
    try {
      auth = await panelLogin(url, panelPassword);
    } catch (err) {
      await app.close();
      dir.remove();
      throw err;
    }
  }
  return {
    app,
    url,
    auth,
    panelPassword,
    storage: app.get<StorageBackend>(STORAGE),
    credentialsDir,
    close: async () => {
      await app.close();
      dir.remove();
    },
  };
}
