import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverError, streamReply, textReply } from '../support/fake-code-assist';
import type { GatewayProcess } from './support/gateway-process';
import {
  chatCompletion,
  PROCESS_API_KEY,
  PROCESS_CREDENTIAL,
  processModelFixture,
} from './support/process-model-gateway';

const SECRETS = [
  PROCESS_API_KEY,
  PROCESS_CREDENTIAL.data.client_secret,
  PROCESS_CREDENTIAL.data.refresh_token,
  PROCESS_CREDENTIAL.data.token,
];

describe('LOG_FORMAT=json', () => {
  let fixture: Awaited<ReturnType<typeof processModelFixture>>;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    fixture = await processModelFixture();
    gateway = await fixture.start({ LOG_FORMAT: 'json', LOG_FILE: 'gateway.log' });
  }, 60_000);
  afterAll(async () => {
    await gateway.stop();
    await fixture.close();
  });

  const jsonLines = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, any>);

  it('writes one JSON object per line, with the request id of each model call, and no secret', async () => {
    fixture.assist.script(
      textReply('Hello', {
        usage: { promptTokenCount: 11, candidatesTokenCount: 5, thoughtsTokenCount: 3 },
      }),
    );
    const response = await chatCompletion(gateway.url, {
      headers: { 'x-request-id': 'req-json-logs-1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-json-logs-1');
    const other = await chatCompletion(gateway.url, { headers: { 'x-request-id': 'bad id\n' } });
    const generated = other.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const output = gateway.output();
    const lines = jsonLines(output);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      expect(line).toEqual(
        expect.objectContaining({ level: expect.any(String), time: expect.any(String) }),
      );
    }
    const access = lines.filter((line) => line.context === 'Access');
    expect(access).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'model call',
        request_id: 'req-json-logs-1',
        method: 'POST',
        route: '/v1/chat/completions',
        model: 'gemini-2.5-flash',
        credential: PROCESS_CREDENTIAL.name,
        attempts: 1,
        status: 200,
        latency_ms: expect.any(Number),
        tokens_in: 11,
        tokens_out: 5,
        tokens_thinking: 3,
      }),
      expect.objectContaining({ request_id: generated, credential: PROCESS_CREDENTIAL.name }),
    ]);
    for (const secret of SECRETS) expect(output).not.toContain(secret);
  }, 60_000);

  it('gives the request id to the warnings of a failed call and the access line of a stream', async () => {
    fixture.assist.script(serverError());
    const failed = await chatCompletion(gateway.url, {
      headers: { 'x-request-id': 'req-json-logs-failed' },
    });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    fixture.assist.script(
      streamReply(['Hel', 'lo'], {
        usage: { promptTokenCount: 7, candidatesTokenCount: 2, thoughtsTokenCount: 0 },
      }),
    );
    const streamed = await chatCompletion(gateway.url, {
      stream: true,
      headers: { 'x-request-id': 'req-json-logs-stream' },
    });
    expect(streamed.status).toBe(200);
    await streamed.text();
    await new Promise((resolve) => setTimeout(resolve, 200));

    const lines = jsonLines(gateway.output());
    const upstream = lines.filter((line) => line.context === 'Upstream');
    expect(upstream).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        request_id: 'req-json-logs-failed',
        msg: expect.stringContaining('Upstream answered 500'),
      }),
    );
    expect(lines.filter((line) => line.context === 'Access')).toContainEqual(
      expect.objectContaining({
        request_id: 'req-json-logs-stream',
        attempts: 1,
        status: 200,
        tokens_in: 7,
        tokens_out: 2,
      }),
    );
  }, 60_000);

  it('writes the same lines to the log file, which the panel still downloads', async () => {
    const auth = await gateway.login();
    const download = await fetch(`${gateway.url}/auth/logs/download`, { headers: auth });
    expect(download.status).toBe(200);
    const downloaded = jsonLines(await download.text());
    expect(downloaded.some((line) => line.request_id === 'req-json-logs-1')).toBe(true);
    const file = readFileSync(join(gateway.credentialsDir, '..', 'gateway.log'), 'utf8');
    expect(jsonLines(file).length).toBeGreaterThanOrEqual(downloaded.length);
    for (const secret of SECRETS) expect(file).not.toContain(secret);
  }, 60_000);
});
