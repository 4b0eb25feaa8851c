import { googleError, textReply } from '../support/fake-code-assist';
import { type ModelGateway, postChat, startModelGateway } from './support/model-gateway';

const NS = 'geminicli';
const NAME = 'cred-0.json';
/** Long enough for the test to change the credential while the call waits for Google. */
const SLOW_401 = {
  ...googleError(401, 'Request had invalid authentication credentials.'),
  delayMs: 500,
};
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A 401 from Google marks the token of the credential the call used for refresh. The
 * credential may have changed while the call waited: the mark must not bring back a deleted
 * credential nor undo new data.
 */
describe('a 401 during a change to its credential', () => {
  let g: ModelGateway;
  beforeEach(async () => {
    g = await startModelGateway(1);
  });
  afterEach(() => g.close());

  it('leaves a credential deleted while its call waited deleted', async () => {
    g.assist.script(SLOW_401, textReply('ok'));
    const call = postChat(g.app.url);
    await wait(150);
    expect(await g.app.storage.deleteCredential(NS, NAME)).toBe(true);
    await (await call).text();
    expect(await g.app.storage.getCredential(NS, NAME)).toBeNull();
    expect(await g.app.storage.listCredentialNames(NS)).toEqual([]);
  });

  it('keeps data uploaded while its call waited, and still marks the old token for refresh', async () => {
    g.assist.script(SLOW_401, textReply('ok'));
    const call = postChat(g.app.url);
    await wait(150);
    const fresh = {
      client_id: 'client-id',
      client_secret: 'client-secret',
      refresh_token: 'refresh-new',
      token: 'token-new',
      expiry: new Date(Date.now() + 3600_000).toISOString(),
      project_id: 'project-new',
    };
    await g.app.storage.upsertCredential(NS, NAME, fresh);
    await (await call).text();
    expect(await g.app.storage.getCredential(NS, NAME)).toEqual(fresh);
  });

  it('marks the token it used for refresh when nothing changed meanwhile', async () => {
    g.assist.script(SLOW_401, textReply('ok'));
    await (await postChat(g.app.url)).text();
    const stored = await g.app.storage.getCredential(NS, NAME);
    // Refreshed on the retry (the fake Google hands out fake-access-* tokens), or marked expired.
    expect(stored?.token === 'token-0' ? stored.expiry : stored?.token).toMatch(
      /^1970-01-01|^fake-access-/,
    );
    expect(stored?.refresh_token).toBe('refresh-token-0');
  });
});
