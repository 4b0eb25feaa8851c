import { GatewayLogger } from './gateway-logger';

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
