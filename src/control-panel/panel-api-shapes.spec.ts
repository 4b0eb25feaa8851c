import { messageOf } from '../../panel/src/api/error-text';
import { batchOutcome, PROBLEM_CODES as PANEL_PROBLEM_CODES } from '../../panel/src/api/types';
import { levelOf } from '../../panel/src/status/log-level';
import { batchResultView } from '../credentials/admin/batch-result.view';
import { PROBLEM_CODES } from '../credentials/problems';

/**
 * The panel reads admin answers in the shapes this gateway gives and in those of the Python
 * panel it is a drop-in for, so a change of shape on either side does not blank the panel.
 */
describe('the control panel reading admin answers', () => {
  it('takes an error text from message, else from detail', () => {
    expect(messageOf({ message: 'Wrong panel password', detail: 'x' }, 'fallback')).toBe(
      'Wrong panel password',
    );
    expect(messageOf({ detail: 'Credential not found' }, 'fallback')).toBe('Credential not found');
    expect(messageOf({ message: ['a must be set', 'b is too long'] }, 'f')).toBe(
      'a must be set; b is too long',
    );
    expect(messageOf('<html>Bad gateway</html>', '502 Bad Gateway')).toBe('502 Bad Gateway');
  });

  it('reads batch results with errors as objects or as strings', () => {
    expect(
      batchOutcome(
        {
          success_count: 1,
          total_count: 2,
          succeeded: ['a.json'],
          errors: [{ filename: 'b.json', message: 'No such credential' }],
        },
        2,
      ),
    ).toEqual({ succeeded: 1, total: 2, errors: ['b.json: No such credential'] });
    expect(
      batchOutcome({ success_count: 1, total_count: 2, errors: ['b.json: not found'] }, 2),
    ).toEqual({ succeeded: 1, total: 2, errors: ['b.json: not found'] });
  });

  it("reads the Python panel's antigravity batch shape", () => {
    expect(
      batchOutcome({ success: true, total: 3, succeeded: 2, failed: [{ filename: 'c.json' }] }, 3),
    ).toEqual({ succeeded: 2, total: 3, errors: ['c.json'] });
  });

  it("names the failures of this gateway's batch answers in both namespaces", () => {
    const outcome = {
      action: 'enable',
      results: [
        { filename: 'a.json', error: null },
        { filename: 'b.json', error: 'No antigravity credential is named b.json' },
      ],
    };
    for (const ns of ['geminicli', 'antigravity'] as const) {
      expect(batchOutcome(batchResultView(ns, outcome), 2)).toEqual({
        succeeded: 1,
        total: 2,
        errors: ['b.json: No antigravity credential is named b.json'],
      });
    }
  });

  it('reads the level of a log line in both log formats', () => {
    expect(levelOf('[2026-11-30 16:15:16] [WARN] [Storage] x')).toBe('warn');
    expect(levelOf('{"level":"error","time":1,"context":"Api","msg":"x"}')).toBe('error');
    expect(levelOf('a continuation line')).toBe('info');
  });

  it('names every problem code the gateway records, for the row and the problem filter', () => {
    expect([...PANEL_PROBLEM_CODES].sort()).toEqual([...PROBLEM_CODES].sort());
  });
});
