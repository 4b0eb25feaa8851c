import { jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { installCodeAssist } from '../support/fake-code-assist';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google';
import {
  chatWithResponseSchema,
  chatWithToolParameters,
  geminiWithPartValue,
  nestedArrays,
  nestedSchemaText,
  refBombSchema,
} from '../support/hostile-bodies';
import { tempDir } from '../support/temp-dir';
import { type GatewayProcess, startRunningGateway } from './support/gateway-process';
import { API_KEY, type ModelGateway, startModelGateway } from './support/model-gateway';

// Gateways start in seconds on a busy machine; the hook and test budgets are explicit.
jest.setTimeout(60_000);

const OPENAI = '/v1/chat/completions';
const GEMINI = '/v1beta/models/gemini-2.5-flash:generateContent';

/** Posts raw JSON text: these bodies cannot be built as objects and stringified by a client. */
async function post(url: string, path: string, body: string) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${API_KEY}`,
      'x-goog-api-key': API_KEY,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('hostile model requests are refused with a 400 before any credential is used', () => {
  let g: ModelGateway;
  let client: OpenAI;

  beforeAll(async () => {
    g = await startModelGateway(1);
    client = new OpenAI({ apiKey: API_KEY, baseURL: `${g.app.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => g?.close());
  beforeEach(() => g.assist.reset());

  /** Nothing reached Code Assist, and no token was refreshed. */
  const expectNoUpstreamWork = () => {
    expect(g.assist.calls()).toEqual([]);
    expect(g.google.tokenRequests()).toEqual([]);
  };

  it('refuses a tool schema whose $refs double per level, naming the node limit', async () => {
    const request = client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [
        { type: 'function', function: { name: 'ok', parameters: refBombSchema(2) } },
        { type: 'function', function: { name: 'bomb', parameters: refBombSchema(23) } },
      ],
    });
    await expect(request).rejects.toMatchObject({
      status: 400,
      error: {
        type: 'invalid_request_error',
        message:
          'tools.1.function.parameters expands to more than 10000 schema nodes once $refs are ' +
          'inlined (limit 10000)',
      },
    });
    expectNoUpstreamWork();
  });

  it('refuses the same bomb as response_format.json_schema', async () => {
    const body = chatWithResponseSchema(JSON.stringify(refBombSchema(23)));
    const answer = await post(g.app.url, OPENAI, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(
      /^response_format\.json_schema\.schema expands to more than 10000 schema nodes/,
    );
    expectNoUpstreamWork();
  });

  it('refuses a body nested deeper than 128 levels, in each API’s error shape', async () => {
    const message = 'The request body is nested more than 128 levels deep (limit 128)';
    const gemini = await post(g.app.url, GEMINI, geminiWithPartValue(nestedArrays(5000)));
    expect(gemini).toEqual({
      status: 400,
      body: { error: { code: 400, message, status: 'INVALID_ARGUMENT' } },
    });
    for (const body of [
      chatWithToolParameters(nestedSchemaText(2000)),
      chatWithResponseSchema(nestedSchemaText(2000)),
    ]) {
      const openai = await post(g.app.url, OPENAI, body);
      expect(openai.status).toBe(400);
      expect(openai.body.error).toMatchObject({ message, type: 'invalid_request_error' });
    }
    expectNoUpstreamWork();
  });

  it('takes a body nested exactly 128 levels deep', async () => {
    // {contents:[{parts:[{functionResponse:{response:{v: ...}}}]}]} is 7 levels around the value.
    const answer = await post(g.app.url, GEMINI, geminiWithPartValue(nestedArrays(128 - 7)));
    expect(answer.status).toBe(200);
    expect(g.assist.calls()).toHaveLength(1);
  });

  it('refuses a schema nesting past 64 levels inside a body of legal depth', async () => {
    let items = '{"type":"string"}';
    for (let i = 0; i < 100; i++) items = `{"type":"array","items":${items}}`;
    const answer = await post(
      g.app.url,
      OPENAI,
      chatWithToolParameters(`{"type":"object","properties":{"a":${items}}}`),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe(
      'tools.0.function.parameters nests deeper than 64 levels once $refs are inlined (limit 64)',
    );
    expectNoUpstreamWork();
  });

  it('refuses a native candidateCount past 8', async () => {
    const body = JSON.stringify({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: { candidateCount: 1_000_000 },
    });
    const answer = await post(g.app.url, GEMINI, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe(
      'generationConfig.candidateCount: must be between 1 and 8',
    );
    expectNoUpstreamWork();
  });

  it('still sends a large tool schema with shared $defs', async () => {
    const properties = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`field${i}`, { $ref: '#/$defs/Address' }]),
    );
    const parameters = {
      type: 'object',
      properties,
      $defs: {
        Address: {
          type: 'object',
          properties: { street: { type: 'string' }, city: { type: 'string' } },
        },
      },
    };
    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'save', parameters } }],
    });
    expect(completion.choices[0].message.content).toContain('Echo');
    const [call] = g.assist.calls();
    const sent = (call.request as any).tools[0].functionDeclarations[0].parameters;
    expect(Object.keys(sent.properties)).toHaveLength(200);
    expect(sent.properties.field7.properties.city).toEqual({ type: 'string' });
  });
});

describe('the built gateway stays live while it refuses a hostile request', () => {
  let google: FakeGoogle;
  let gateway: GatewayProcess;
  const creds = tempDir('gcli-hostile-creds-');

  beforeAll(async () => {
    google = await startFakeGoogle();
    installCodeAssist(google);
    writeFileSync(
      join(creds.path, 'cred-0.json'),
      JSON.stringify({
        client_id: 'client-id',
        client_secret: 'client-secret',
        refresh_token: 'refresh-0',
        token: 'token-0',
        expiry: new Date(Date.now() + 3600_000).toISOString(),
        project_id: 'project-0',
      }),
    );
    gateway = await startRunningGateway({
      CODE_ASSIST_ENDPOINT: google.url,
      OAUTH_PROXY_URL: google.url,
      API_PASSWORD: API_KEY,
      CREDENTIALS_DIR: creds.path,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await google?.close();
    creds.remove();
  });

  it('answers /health/live at once while a 2.5 KB $ref bomb gets its 400', async () => {
    const bomb = chatWithToolParameters(JSON.stringify(refBombSchema(23)));
    expect(bomb.length).toBeLessThan(3_000);
    const slowest = { ms: 0 };
    let done = false;
    const probe = (async () => {
      while (!done) {
        const started = Date.now();
        expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
        slowest.ms = Math.max(slowest.ms, Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = Date.now();
    const answers = await Promise.all([
      post(gateway.url, OPENAI, bomb),
      post(gateway.url, GEMINI, geminiWithPartValue(nestedArrays(5000))),
    ]);
    const took = Date.now() - started;
    done = true;
    await probe;
    expect(answers.map((a) => a.status)).toEqual([400, 400]);
    // Before the limits the bomb took minutes and stalled /health/live for half a minute.
    expect(took).toBeLessThan(5_000);
    expect(slowest.ms).toBeLessThan(1_000);
    expect(google.requests.filter((r) => r.path.startsWith('/v1internal'))).toEqual([]);
  });
});
