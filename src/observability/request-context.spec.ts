import { GatewayLogger } from '../common/gateway-logger';
import {
  attachRequestContext,
  currentRequest,
  leaveRequest,
  requestContextOf,
  runInRequest,
  withRequestId,
} from './request-context';

const capture = (format: 'text' | 'json') => {
  const lines: string[] = [];
  const logger = new GatewayLogger('info', { append: (line) => lines.push(line) }, format);
  return { lines, logger };
};

/** A line without its time stamp, which differs between two lines written a moment apart. */
const timeless = (line: string) =>
  line.replace(/"time":"[^"]*"/, '').replace(/^\[[^\]]*\]/, '[time]');

describe('request context handed on explicitly (the model routes)', () => {
  it.each(['text', 'json'] as const)(
    'gives a %s line the same request_id as one written inside the request',
    async (format) => {
      const { lines, logger } = capture(format);
      runInRequest({ id: 'req-7', attempts: 0 }, () => logger.warn('Upstream answered 429', 'Up'));
      leaveRequest();
      logger.warn(withRequestId({ id: 'req-7' }, 'Upstream answered 429'), 'Up');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain('req-7');
      expect(timeless(lines[1])).toBe(timeless(lines[0]));
    },
  );

  it('leaves a line outside any request as it is', () => {
    expect(withRequestId(undefined, 'plain')).toBe('plain');
  });

  it('is found on the response it was attached to', () => {
    const res = {};
    const context = { id: 'req-8', attempts: 0 };
    expect(requestContextOf(res)).toBeUndefined();
    attachRequestContext(res, context);
    expect(requestContextOf(res)).toBe(context);
  });
});

describe('request context entered (the other routes)', () => {
  it('follows the request through promises, ends with it, and works again for the next', async () => {
    const seen: Array<string | undefined> = [];
    const request = (id: string) =>
      runInRequest({ id, attempts: 0 }, async () => {
        await Promise.resolve();
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(currentRequest()?.id);
      });
    await request('req-a');
    leaveRequest();
    expect(currentRequest()).toBeUndefined();
    await request('req-b');
    leaveRequest();
    expect(seen).toEqual(['req-a', 'req-b']);
  });

  it('stays on while another request is still answered inside it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const late = runInRequest({ id: 'req-long', attempts: 0 }, async () => {
      await held;
      return currentRequest()?.id;
    });
    await runInRequest({ id: 'req-short', attempts: 0 }, () => Promise.resolve());
    leaveRequest();
    release();
    expect(await late).toBe('req-long');
    leaveRequest();
  });
});
