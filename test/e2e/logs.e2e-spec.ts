import { type GatewayProcess, startRunningGateway } from './support/gateway-process';

describe('the log file routes of the panel', () => {
  let gateway: GatewayProcess;
  let auth: Record<string, string>;

  beforeAll(async () => {
    gateway = await startRunningGateway();
    auth = await gateway.login();
  }, 60_000);
  afterAll(() => gateway.stop());

  const failLogin = () =>
    fetch(`${gateway.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'not-it' }),
    });

  it('downloads the log the gateway wrote, as a dated text attachment', async () => {
    const response = await fetch(`${gateway.url}/auth/logs/download`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="gcli2api_logs_\d{8}_\d{6}\.txt"$/,
    );
    const text = await response.text();
    expect(text).toMatch(/\[INFO\] \[Gateway\] gcli2api listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toBe(gateway.output().replace(/^(?!\[\d{4}).*\n/gm, ''));
  }, 60_000);

  it('streams the last lines and then each new one as Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/auth/logs/stream`, {
      headers: auth,
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        received += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(/data: \[[^\n]*listening on/);
    await failLogin();
    await readUntil(/data: \[[^\n]*\[WARN\] \[Auth\] Failed panel login/);
    controller.abort();
  }, 60_000);

  it('clears the log file; an empty log is a 404', async () => {
    const cleared = await fetch(`${gateway.url}/auth/logs/clear`, {
      method: 'POST',
      headers: auth,
    });
    expect(cleared.status).toBe(200);
    const empty = await fetch(`${gateway.url}/auth/logs/download`, { headers: auth });
    expect(empty.status).toBe(404);
    await failLogin();
    const after = await (
      await fetch(`${gateway.url}/auth/logs/download`, { headers: auth })
    ).text();
    expect(after.trim().split('\n')).toEqual([
      expect.stringMatching(/\[WARN\] \[Auth\] Failed panel login from /),
    ]);
  }, 60_000);
});
