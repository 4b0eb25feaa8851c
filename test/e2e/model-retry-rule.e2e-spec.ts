import { googleError, textReply } from '../support/fake-code-assist';
import { type ModelGateway, postChat, startModelGateway } from './support/model-gateway';

/** The model caller obeys the one retry rule that recording a failure decides. */
describe('which upstream failures move on to another credential', () => {
  let g: ModelGateway;

  beforeAll(async () => {
    g = await startModelGateway(2);
  }, 30_000);
  afterAll(() => g?.close());
  beforeEach(() => g.assist.reset());

  const chat = () => postChat(g.app.url);

  it('answers from another credential when one is refused with 403', async () => {
    g.assist.script(googleError(403, 'The caller does not have permission'), textReply('ok'));
    const response = await chat();
    expect(response.status).toBe(200);
    const [refused, served] = g.assist.calls().map((c) => c.token);
    expect(refused).not.toBe(served);
    const name = g.credentials.find((c) => c.token === refused)!.name;
    expect((await g.app.storage.getState('geminicli', name))?.errorCodes).toContain(403);
  });

  it('does not try other credentials with a request the upstream calls bad (400)', async () => {
    g.assist.script(googleError(400, 'Invalid JSON payload received.'));
    const response = await chat();
    expect(response.status).toBe(400);
    expect(g.assist.calls()).toHaveLength(1);
  });
});
