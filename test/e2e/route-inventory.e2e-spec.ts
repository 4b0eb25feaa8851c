import { createTestApp, type TestApp } from '../support/test-app';
import { routesOf } from './support/route-list';

/** The control panel's static page and assets: public, they hold no data (src/control-panel). */
const PANEL_ROUTES = ['GET /', 'GET /assets/:file'];

/** The only routes anyone may call without credentials. Adding one here needs a reason. */
const PUBLIC = new Set([
  'GET /health',
  'GET /health/live',
  'HEAD /keepalive',
  'POST /auth/login',
  ...PANEL_ROUTES,
]);

/** What a public route answers without credentials (200 unless listed). */
const PUBLIC_STATUS: Record<string, number> = {
  // Login answers 400 for the empty body: it was reached without credentials.
  'POST /auth/login': 400,
  // `/assets/x` is no built file: 404, not 401.
  'GET /assets/:file': 404,
};

/** Routes the model APIs guard with the API password instead of a panel session. */
const API_KEY_ROUTES = /^(GET|POST) (\/antigravity)?\/v1(beta)?\//;

/** A concrete URL path for a route pattern. */
const concrete = (path: string) =>
  path
    .replace(/:filename/g, 'x.json')
    .replace(/\*\w+/g, 'gemini-2.5-pro')
    .replace(/:\w+/g, 'x');

describe('route inventory: every route outside the public list needs credentials', () => {
  let t: TestApp;
  let routes: string[];

  beforeAll(async () => {
    // Each request comes from its own address, so wrong keys do not add up to a 429.
    t = await createTestApp({ TRUST_PROXY: 'loopback' }, { login: false });
    routes = routesOf(t);
  });
  afterAll(() => t.close());

  let clients = 0;
  const call = (route: string, given: Record<string, string> = {}) => {
    const [method, path] = route.split(' ');
    const headers = { ...given, 'x-forwarded-for': `198.51.100.${++clients}` };
    return fetch(`${t.url}${concrete(path)}`, {
      method,
      headers: method === 'POST' ? { ...headers, 'content-type': 'application/json' } : headers,
      body: method === 'POST' ? '{}' : undefined,
    });
  };

  it('reads the routes from the running app, including the admin and model routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(30);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/auth/storage-info',
        'GET /config/get',
        'POST /config/save',
        'POST /auth/logout',
        'GET /creds/status',
        'POST /antigravity/creds/batch-action',
        'POST /auth/upload',
        'GET /v1/models',
      ]),
    );
    for (const route of PUBLIC) expect(routes).toContain(route);
  });

  it('rejects a request without credentials on every non-public route with 401', async () => {
    const answers: Record<string, number> = {};
    for (const route of routes.filter((r) => !PUBLIC.has(r))) {
      answers[route] = (await call(route)).status;
    }
    const open = Object.entries(answers).filter(([, status]) => status !== 401);
    expect(open).toEqual([]);
  });

  it('rejects a made-up token: 401 on panel routes, 403 on model routes', async () => {
    const headers = { authorization: 'Bearer made-up-token' };
    for (const route of routes.filter((r) => !PUBLIC.has(r))) {
      const status = (await call(route, headers)).status;
      expect(`${route} ${status}`).toBe(`${route} ${API_KEY_ROUTES.test(route) ? 403 : 401}`);
    }
  });

  it('answers the public routes without credentials', async () => {
    for (const route of PUBLIC) {
      const status = (await call(route)).status;
      expect(`${route} ${status}`).toBe(`${route} ${PUBLIC_STATUS[route] ?? 200}`);
    }
  });

  it('serves the built panel at / and its assets without credentials', async () => {
    const page = await fetch(`${t.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${t.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toContain('immutable');
  });
});
