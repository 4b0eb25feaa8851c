/** Headers that carry a panel session. */
export type AuthHeaders = { authorization: string };

/**
 * Logs in to the panel of the gateway at `baseUrl` and returns headers carrying the session.
 * Throws with the gateway's answer when the login is refused.
 */
export async function panelLogin(baseUrl: string, password: string): Promise<AuthHeaders> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  const body = (await response.json()) as { token?: string; message?: string };
  if (response.status !== 200 || !body.token) {
    throw new Error(`Panel login failed: ${response.status} ${body.message ?? ''}`);
  }
  return { authorization: `Bearer ${body.token}` };
}
