/** A credential file as Google issues them, with realistic field sizes; `i` makes it unique. */
export function benchCredential(i: number) {
  return {
    client_id: '681255809395-example.apps.googleusercontent.com',
    client_secret: `GOCSPX-bench-secret-${i}`,
    refresh_token: `1//bench-refresh-token-${i}-${'r'.repeat(80)}`,
    token: `ya29.bench-access-token-${i}-${'a'.repeat(160)}`,
    expiry: '2030-01-01T00:00:00Z',
    project_id: `bench-project-${i}`,
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    token_uri: 'https://oauth2.googleapis.com/token',
  };
}
