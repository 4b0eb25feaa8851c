import { Validator } from '@seriousme/openapi-schema-validator';
import { createTestApp, type TestApp } from '../support/test-app';
import { type GatewayProcess, startRunningGateway } from './support/gateway-process';
import { routesOf } from './support/route-list';

type Operation = { operationId?: string; security?: Array<Record<string, string[]>> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** An Express route pattern as an OpenAPI path: `:name` and `*name` become `{name}`. */
const openApiPath = (path: string) => path.replace(/[:*](\w+)/g, '{$1}');

describe('OpenAPI docs', () => {
  let t: TestApp;
  let document: Document;

  beforeAll(async () => {
    t = await createTestApp();
    const response = await fetch(`${t.url}/docs-json`, { headers: t.auth });
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
  }, 60_000);
  afterAll(() => t.close());

  it('needs a panel session unless DOCS_PUBLIC is set', async () => {
    for (const path of ['/docs-json', '/docs', '/docs/swagger-ui-bundle.js']) {
      const response = await fetch(`${t.url}${path}`);
      expect(`${path} ${response.status}`).toBe(`${path} 401`);
      const forged = await fetch(`${t.url}${path}`, {
        headers: { authorization: 'Bearer made-up' },
      });
      expect(`${path} ${forged.status}`).toBe(`${path} 401`);
    }
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route the running app serves, with the auth scheme it enforces', () => {
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const served = routesOf(t)
      .filter((route) => !/ \/docs(-json|-yaml|\/|$)/.test(route))
      .map((route) => {
        const [method, path] = route.split(' ');
        return `${method} ${openApiPath(path)}`;
      });
    expect(served.length).toBeGreaterThanOrEqual(30);
    expect(served.filter((route) => !documented.has(route))).toEqual([]);

    const security = (method: string, path: string) => document.paths[path][method].security;
    expect(security('get', '/config/get')).toEqual([{ panelSession: [] }]);
    expect(security('post', '/auth/login')).toEqual([]);
    expect(security('get', '/health')).toEqual([]);
    expect(security('post', '/v1/chat/completions')).toEqual([{ apiKeyBearer: [] }]);
    expect(security('post', '/v1beta/models/{target}')).toEqual([
      { apiKeyBearer: [] },
      { apiKeyHeader: [] },
      { apiKeyQuery: [] },
    ]);
    expect(security('post', '/antigravity/upload')).toEqual([{ panelSession: [] }]);
    expect(security('get', '/metrics')).toEqual([{ metricsToken: [] }, { panelSession: [] }]);
  });

  it('derives request schemas from the zod schemas the routes validate with', () => {
    const body = (path: string) =>
      (document.paths[path].post as Record<string, any>).requestBody.content['application/json']
        .schema;
    expect(body('/auth/login')).toMatchObject({
      type: 'object',
      properties: { password: expect.objectContaining({ type: 'string' }) },
    });
    expect(body('/v1/chat/completions')).toMatchObject({
      type: 'object',
      properties: { model: expect.anything(), messages: expect.anything() },
    });
    expect(body('/v1/models/{target}')).toMatchObject({ type: 'object' });
  });

  it('documents the answers of /health: serving (ok or degraded) and shutting down', () => {
    const responses = (document.paths['/health'].get as Record<string, any>).responses;
    expect(responses['200'].content['application/json'].schema.properties.status.enum).toEqual([
      'ok',
      'degraded',
    ]);
    expect(responses['503'].content['application/json'].schema.properties.status.enum).toEqual([
      'error',
      'shutting_down',
    ]);
  });

  it('reads /metrics with a panel session when METRICS_TOKEN is unset', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: t.auth })).status).toBe(200);
  });
});

describe('OpenAPI docs with DOCS_PUBLIC=true', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => (gateway = await startRunningGateway({ DOCS_PUBLIC: 'true' })), 60_000);
  afterAll(() => gateway.stop());

  it('serves the document and Swagger UI without a session', async () => {
    const json = await fetch(`${gateway.url}/docs-json`);
    expect(json.status).toBe(200);
    expect(((await json.json()) as Document).openapi).toMatch(/^3\./);
    const ui = await fetch(`${gateway.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui-bundle.js');
    const bundle = await fetch(`${gateway.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
  });
});
