import type { FakeGoogle } from '../../support/fake-google';

/** The Google URL settings pointed at the fake (every account-level Google call). */
export const fakeGoogleEnv = (google: FakeGoogle) => ({
  OAUTH_PROXY_URL: google.url,
  GOOGLEAPIS_PROXY_URL: google.url,
  CODE_ASSIST_ENDPOINT: google.url,
  ANTIGRAVITY_API_URL: google.url,
  RESOURCE_MANAGER_API_URL: google.url,
  SERVICE_USAGE_API_URL: google.url,
});

/**
 * What a browser does with `auth_url`: opens Google's consent screen (the fake's, signing in at
 * once) and gets redirected to the callback address, returned here (`localhost` made the loopback
 * address the test listener binds).
 */
export async function consent(google: FakeGoogle, authUrl: string): Promise<string> {
  const url = new URL(authUrl);
  const answer = await fetch(`${google.url}${url.pathname}${url.search}`, { redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) {
    throw new Error(`the fake consent screen answered ${answer.status}: ${await answer.text()}`);
  }
  return location.replace('//localhost:', '//127.0.0.1:');
}

/** POSTs JSON with the panel session; the answer's status and parsed body. */
export async function postJson(
  base: string,
  path: string,
  auth: Record<string, string>,
  body: unknown,
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** GETs JSON with the panel session. */
export async function getJson(base: string, path: string, auth: Record<string, string>) {
  const response = await fetch(`${base}${path}`, { headers: auth });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
