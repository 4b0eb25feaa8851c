import { jest } from '@jest/globals';
import { API_KEY, type ModelGateway, startModelGateway } from './support/model-gateway';

jest.setTimeout(60_000);

const ORIGIN = 'https://chat.example.org';
const OPENAI = '/v1/chat/completions';

/** What a browser script on another origin may see of an answer. */
const corsOf = (response: Response) => ({
  origin: response.headers.get('access-control-allow-origin'),
  exposed: response.headers.get('access-control-expose-headers'),
});

describe('CORS: browser chat clients on other origins', () => {
  let g: ModelGateway;

  beforeAll(async () => {
    g = await startModelGateway(1, { API_BODY_LIMIT_MB: '1' });
  });
  afterAll(() => g?.close());

  it('answers a preflight with every method, the asked headers and a max age', async () => {
    const response = await fetch(`${g.app.url}${OPENAI}`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-stainless-os',
      },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'authorization,content-type,x-stainless-os',
    );
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(g.assist.calls()).toEqual([]);
  });

  it('lets a script read a model answer and the Retry-After of any answer', async () => {
    const response = await fetch(`${g.app.url}${OPENAI}`, {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        authorization: `Bearer ${API_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(corsOf(response)).toEqual({ origin: '*', exposed: 'Retry-After, Content-Disposition' });
  });

  it('carries the headers on refusals made before any route: a wrong key and a body too large', async () => {
    const refused = await fetch(`${g.app.url}${OPENAI}`, {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        authorization: 'Bearer wrong',
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(refused.status).toBe(403);
    expect(corsOf(refused).origin).toBe('*');

    const tooLarge = await fetch(`${g.app.url}${OPENAI}`, {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        authorization: `Bearer ${API_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'gemini-2.5-flash', padding: 'x'.repeat(1.5 * 2 ** 20) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(corsOf(tooLarge).origin).toBe('*');
    expect(((await tooLarge.json()) as { error: { message: string } }).error.message).toMatch(
      /1 MB/,
    );
  });

  it('covers the panel and admin routes too (a panel served from another origin)', async () => {
    const response = await fetch(`${g.app.url}/auth/login`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    const status = await fetch(`${g.app.url}/health`, { headers: { origin: ORIGIN } });
    expect(corsOf(status).origin).toBe('*');
  });
});
