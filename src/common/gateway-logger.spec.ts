import { ConsoleLogger, Logger } from '@nestjs/common';
import { GatewayLogger, logLevelEnabled } from './gateway-logger';
import { runInRequest } from '../observability/request-context';

describe('GatewayLogger', () => {
  it('writes one line per message, so a newline from a request cannot forge another line', () => {
    const lines: string[] = [];
    const logger = new GatewayLogger('info', { append: (line) => lines.push(line) });
    logger.warn('model gemini\n[2026-01-01 00:00:00] [WARN] [Auth] forged', 'Upstream');
    expect(lines).toHaveLength(1);
    expect(lines[0].split('\n').filter(Boolean)).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[WARN\] \[Upstream\] model gemini ⏎ /,
    );
  });
});

describe('GatewayLogger in JSON format', () => {
  const capture = () => {
    const lines: string[] = [];
    const logger = new GatewayLogger('info', { append: (line) => lines.push(line) }, 'json');
    return { lines, logger, parsed: () => lines.map((line) => JSON.parse(line)) };
  };

  it('writes one JSON object per line with level, time, context and message', () => {
    const { lines, logger, parsed } = capture();
    logger.warn('model gemini\nforged line', 'Upstream');
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].trimEnd().split('\n')).toHaveLength(1);
    expect(parsed()[0]).toEqual({
      level: 'warn',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      context: 'Upstream',
      msg: 'model gemini\nforged line',
    });
  });

  it('carries the request id of the request being answered, and redacts secret fields', () => {
    const { logger, parsed } = capture();
    runInRequest({ id: 'req-1', attempts: 0 }, () =>
      logger.log({ msg: 'event', refresh_token: 'rt-secret', nested: { password: 'p' } }, 'X'),
    );
    logger.log('outside', 'X');
    const [inside, outside] = parsed();
    expect(inside).toMatchObject({
      request_id: 'req-1',
      msg: 'event',
      refresh_token: '[redacted]',
      nested: { password: '[redacted]' },
    });
    expect(outside.request_id).toBeUndefined();
  });

  it('drops lines below the level', () => {
    const { lines, logger } = capture();
    logger.debug('hidden', 'X');
    expect(lines).toHaveLength(0);
  });
});

describe('GatewayLogger in text format', () => {
  it('appends fields and the request id as key=value pairs, secrets redacted', () => {
    const lines: string[] = [];
    const logger = new GatewayLogger('info', { append: (line) => lines.push(line) });
    runInRequest({ id: 'req-2', attempts: 0 }, () =>
      logger.log({ msg: 'model call', model: 'gemini 2.5', client_secret: 's3cret' }, 'Access'),
    );
    expect(lines[0]).toMatch(
      /\[INFO\] \[Access\] model call model="gemini 2.5" client_secret=\[redacted\] request_id=req-2\n$/,
    );
  });
});

describe('logLevelEnabled', () => {
  afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

  it("follows the level of the app's GatewayLogger, so unseen lines need not be built", () => {
    const logger = new GatewayLogger('warn', { append: () => undefined });
    Logger.overrideLogger(logger);
    expect(logLevelEnabled('info')).toBe(false);
    expect(logLevelEnabled('warn')).toBe(true);
    logger.setLevel('info');
    expect(logLevelEnabled('info')).toBe(true);
  });

  it('lets every line through when the app logs through another logger', () => {
    Logger.overrideLogger(new ConsoleLogger());
    expect(logLevelEnabled('debug')).toBe(true);
  });
});
