import { zipSync } from 'fflate';

/** A valid Gemini CLI credential whose token the fake Google accepts for an hour. */
export function credential(i: number) {
  return {
    client_id: 'client-id.apps.googleusercontent.com',
    client_secret: `client-secret-${i}`,
    refresh_token: `refresh-token-${i}`,
    token: `token-${i}`,
    expiry: new Date(Date.now() + 3600_000).toISOString(),
    project_id: `project-${i}`,
  };
}

/** `cred-000.json` ... as one ZIP archive, plus any extra entries (name to raw content). */
export function credentialZip(count: number, extra: Record<string, string> = {}): Buffer {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(extra)) entries[name] = Buffer.from(content);
  for (let i = 0; i < count; i++) {
    entries[`cred-${String(i).padStart(3, '0')}.json`] = Buffer.from(JSON.stringify(credential(i)));
  }
  return Buffer.from(zipSync(entries));
}
