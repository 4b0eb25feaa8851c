import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/storage/backends/sqlite.backend';
import { ValidatedStorage } from '../../src/storage/validated-storage';
import { streamReply } from '../support/fake-code-assist';
import {
  chatCompletion,
  PROCESS_CREDENTIAL,
  processModelSuite,
} from './support/process-model-gateway';

/** Reads an SSE response to its end; resolves with the text, or with what came before a cut. */
async function readAll(response: Response, onFirstChunk: () => void) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let first = true;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, cut: false };
      text += decoder.decode(value, { stream: true });
      if (first) {
        first = false;
        onFirstChunk();
      }
    }
  } catch {
    return { text, cut: true };
  }
}

describe('shutdown on SIGTERM', () => {
  const suite = processModelSuite();

  const start = (timeoutMs: number) =>
    suite.fixture.start({ SHUTDOWN_TIMEOUT_MS: String(timeoutMs) });
  const streamChat = (url: string) => chatCompletion(url, { stream: true });

  it('finishes a streaming call in flight, refuses new connections, then exits 0', async () => {
    const g = (suite.gateway = await start(10_000));
    // Eight chunks 250 ms apart: about 2 s of stream, well inside the 10 s deadline.
    suite.fixture.assist.script(
      streamReply(['1', '2', '3', '4', '5', '6', '7', '8'], { intervalMs: 250 }),
    );
    const response = await streamChat(g.url);
    expect(response.status).toBe(200);
    let signalledAt = 0;
    let refused: unknown;
    const body = await readAll(response, () => {
      signalledAt = Date.now();
      g.signal('SIGTERM');
      setTimeout(() => {
        fetch(`${g.url}/health/live`).then(
          (r) => (refused = r.status),
          (err: Error) => (refused = err),
        );
      }, 300);
    });
    expect(body.cut).toBe(false);
    expect(body.text).toContain('"content":"8"');
    expect(body.text).toContain('data: [DONE]');
    expect(refused).toMatchObject({ message: 'fetch failed' });
    expect(await g.exited()).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(g.output()).toMatch(/\[Shutdown\] SIGTERM received: .* 1 call\(s\) in flight/);
    expect(g.output()).toMatch(/\[Shutdown\] Stopped/);
  }, 60_000);

  it('writes the successes it gathered before it exits', async () => {
    // The SQLite file outlives each gateway of this file: what counts is what this one adds.
    const recorded = async () => {
      const file = join(suite.fixture.credentialsDir, 'credentials.db');
      if (!existsSync(file)) return 0;
      const storage = new ValidatedStorage(new SqliteBackend({ file }));
      await storage.connect();
      try {
        return (await storage.getState('geminicli', PROCESS_CREDENTIAL.name))?.callCount ?? 0;
      } finally {
        await storage.close();
      }
    };
    const before = await recorded();
    const g = (suite.gateway = await start(10_000));
    const response = await chatCompletion(g.url);
    expect(response.status).toBe(200);
    // At once: well inside the window in which successes are gathered for one write.
    g.signal('SIGTERM');
    expect(await g.exited()).toBe(0);
    expect(await recorded()).toBe(before + 1);
  }, 60_000);

  it('cuts a call still running at the deadline and exits', async () => {
    const g = (suite.gateway = await start(1_000));
    // About 30 s of stream against a 1 s deadline.
    suite.fixture.assist.script(
      streamReply(Array.from({ length: 60 }, String), { intervalMs: 500 }),
    );
    const response = await streamChat(g.url);
    let signalledAt = 0;
    const body = await readAll(response, () => {
      signalledAt = Date.now();
      g.signal('SIGTERM');
    });
    const code = await g.exited();
    const took = Date.now() - signalledAt;
    expect(body.text).not.toContain('data: [DONE]');
    expect(code).toBe(0);
    expect(took).toBeLessThan(6_000);
    expect(g.output()).toMatch(
      /\[Shutdown\] Deadline reached: cutting 1 call\(s\) still in flight/,
    );
  }, 60_000);

  it('ends a panel log tail at once instead of waiting for the deadline', async () => {
    const g = (suite.gateway = await start(20_000));
    const tail = await fetch(`${g.url}/auth/logs/stream`, { headers: await g.login() });
    expect(tail.status).toBe(200);
    let signalledAt = 0;
    const body = await readAll(tail, () => {
      signalledAt = Date.now();
      g.signal('SIGTERM');
    });
    expect(body.cut).toBe(false);
    expect(await g.exited()).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(g.output()).toMatch(/\[Shutdown\] Stopped/);
    expect(g.output()).not.toMatch(/Deadline reached/);
  }, 60_000);
});
