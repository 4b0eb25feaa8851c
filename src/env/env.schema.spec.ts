import { EnvValidationError, validateEnv } from './env.schema';

describe('LOG_LEVEL', () => {
  it.each([
    ['INFO', 'info'],
    ['Debug', 'debug'],
    ['warning', 'warn'],
    ['WARNING', 'warn'],
    ['critical', 'error'],
    [' error ', 'error'],
  ])(
    'takes %j, as the Python gateway and hand-written .env files write it, as %s',
    (given, level) => {
      expect(validateEnv({ LOG_LEVEL: given }).LOG_LEVEL).toBe(level);
    },
  );

  it('still refuses a level it does not know, naming the rule', () => {
    expect(() => validateEnv({ LOG_LEVEL: 'verbose' })).toThrow(EnvValidationError);
    try {
      validateEnv({ LOG_LEVEL: 'verbose' });
    } catch (err) {
      expect((err as EnvValidationError).problems).toEqual([
        'LOG_LEVEL: must be error, warn, info or debug',
      ]);
    }
  });
});
