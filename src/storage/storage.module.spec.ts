import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { SqliteBackend } from './backends/sqlite.backend';
import { ROLE_TOKENS, STORAGE } from './storage.constants';
import { StorageModule } from './storage.module';

/** On a real SQLite file: the module the gateway imports, with one candidate. */
describe('StorageModule', () => {
  it('provides every role store as the one selected backend, not a copy or another connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcli-roles-'));
    const file = join(dir, 'credentials.db');
    const moduleRef = await Test.createTestingModule({
      imports: [
        StorageModule.forRoot({
          candidates: [
            {
              kind: 'sqlite',
              label: 'SQLite',
              target: file,
              secrets: [],
              create: () => new SqliteBackend({ file }),
            },
          ],
          fallback: false,
          connectTimeoutMs: 5_000,
        }),
      ],
    }).compile();
    try {
      const storage = moduleRef.get(STORAGE);
      for (const role of ROLE_TOKENS) expect(moduleRef.get(role)).toBe(storage);
      await storage.upsertCredential('geminicli', 'a.json', { refresh_token: 'r' });
      expect(await moduleRef.get(ROLE_TOKENS[0]).listCredentialNames('geminicli')).toEqual([
        'a.json',
      ]);
    } finally {
      await moduleRef.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
