import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/test-app';
import { tempDir } from '../support/temp-dir';
import { startRunningGateway, type GatewayProcess } from './support/gateway-process';

function credential(tag: string) {
  return {
    client_id: 'client-id',
    client_secret: `secret-${tag}`,
    refresh_token: `refresh-${tag}`,
    token: `access-${tag}`,
    project_id: `project-${tag}`,
  };
}

function place(dir: string, files: Record<string, unknown>) {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
}

describe('credential files in CREDENTIALS_DIR at start-up', () => {
  // The in-process app reads its environment once per test file: every app here uses `dir`.
  const dir = tempDir('gcli-autoimport-');
  let app: TestApp | undefined;
  let gateway: GatewayProcess | undefined;

  const start = async () => (app = await createTestApp({ CREDENTIALS_DIR: dir.path }));
  const stop = async () => {
    await app?.close();
    app = undefined;
  };

  afterEach(async () => {
    await stop();
    await gateway?.stop();
    gateway = undefined;
  });
  afterAll(() => dir.remove());

  it('imports them once, so a restart keeps what the admin changed since', async () => {
    place(dir.path, {
      'a.json': credential('a'),
      'b.json': credential('b'),
      'broken.json': '{"refresh_token": ',
      'notes.txt': credential('notes'),
      'nested/c.json': credential('c'),
    });
    let { storage } = await start();
    expect(await storage.listCredentialNames('geminicli')).toEqual(['a.json', 'b.json']);
    expect(await storage.listCredentialNames('antigravity')).toEqual([]);

    // The admin edits a.json and disables it; then the gateway restarts with a new file.
    await storage.upsertCredential('geminicli', 'a.json', credential('a-edited'));
    await storage.updateState('geminicli', 'a.json', { disabled: true });
    await stop();
    place(dir.path, { 'd.json': credential('d') });
    ({ storage } = await start());
    expect(await storage.listCredentialNames('geminicli')).toEqual(['a.json', 'b.json', 'd.json']);
    expect(await storage.getCredential('geminicli', 'a.json')).toMatchObject({
      refresh_token: 'refresh-a-edited',
    });
    expect(await storage.getState('geminicli', 'a.json')).toMatchObject({ disabled: true });

    // A file whose content changed is imported again; its state is kept.
    await storage.deleteCredential('geminicli', 'd.json');
    await stop();
    place(dir.path, { 'a.json': credential('a-new-file') });
    ({ storage } = await start());
    expect(await storage.getCredential('geminicli', 'a.json')).toMatchObject({
      refresh_token: 'refresh-a-new-file',
    });
    expect(await storage.getState('geminicli', 'a.json')).toMatchObject({ disabled: true });
    // d.json was deleted through the API and is not brought back.
    expect(await storage.getCredential('geminicli', 'd.json')).toBeNull();
  });

  it('logs one INFO line with the counts and a WARN per rejected file, without secrets', async () => {
    const own = tempDir('gcli-autoimport-log-');
    try {
      place(own.path, {
        'one.json': credential('one'),
        'two.json': credential('two'),
        'broken.json': '{"refresh_token": "refresh-broken"',
      });
      gateway = await startRunningGateway({ CREDENTIALS_DIR: own.path });
      const log = gateway.output();
      expect(log).toMatch(
        `[INFO] [CredentialImport] Imported 2 credential files from ${own.path} (1 rejected)`,
      );
      expect(log).toMatch(
        `[WARN] [CredentialImport] Skipped credential file broken.json in ${own.path}: not valid JSON`,
      );
      expect(log).not.toMatch(/refresh-(?!all-emails)|secret-|access-/);
      const info = (await (
        await fetch(`${gateway.url}/api/auth/storage-info`, { headers: await gateway.login() })
      ).json()) as any;
      expect(info.counts.geminicli).toBe(2);
      await gateway.stop();

      gateway = await startRunningGateway({ CREDENTIALS_DIR: own.path });
      expect(gateway.output()).toMatch(
        'Imported 0 credential files from ' +
          `${own.path} (2 already imported earlier, 1 rejected)`,
      );
    } finally {
      own.remove();
    }
  });

  it('imports nothing with AUTO_IMPORT_CREDS=false', async () => {
    const own = tempDir('gcli-autoimport-off-');
    try {
      place(own.path, { 'one.json': credential('one') });
      gateway = await startRunningGateway({
        CREDENTIALS_DIR: own.path,
        AUTO_IMPORT_CREDS: 'false',
      });
      const info = (await (
        await fetch(`${gateway.url}/api/auth/storage-info`, { headers: await gateway.login() })
      ).json()) as any;
      expect(info.counts.geminicli).toBe(0);
      expect(gateway.output()).not.toMatch(/Imported \d+ credential files/);
    } finally {
      own.remove();
    }
  });
});
