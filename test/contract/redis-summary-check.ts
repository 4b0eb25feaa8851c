/**
 * Checks that the summary of a Valkey/Redis store answers every filter as the credentials' states
 * say, after random changes by every write script: an index one of them forgets shows here.
 */
import type {
  CredentialState,
  StorageBackend,
  SummaryQuery,
} from '../../src/storage/storage-backend.interface';

export const NOW = 1_800_000_000;
export const CODES = Array.from({ length: 14 }, (_, i) => 400 + i);

export type Pick = <T>(list: readonly T[]) => T;

/** Deterministic pseudo-random choices (a linear congruential generator). */
export function picker(seed: number): Pick {
  return (list) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return list[Math.floor((seed / 2 ** 31) * list.length)];
  };
}

const PROBLEMS = ['no_project', 'needs_reauth'];

/**
 * One state change of `name` drawn with `pick`: mostly failures, and some of every other kind, so
 * every write script must keep the indexes in step for the summaries to stay right.
 */
export async function randomChange(s: StorageBackend, name: string, pick: Pick): Promise<unknown> {
  const code = pick(CODES);
  const modelKey = pick(['pro', 'flash']);
  const until = NOW + pick([-30, 30, 90]);
  const problem = pick([null, ...PROBLEMS.map((code) => ({ code, message: code, at: NOW }))]);
  const kinds = ['fail', 'fail', 'fail', 'fail', 'cool', 'cool', 'ok', 'set', 'off', 'del'];
  switch (pick([...kinds, 'problem', 'restore'])) {
    case 'fail':
      return s.recordFailure('geminicli', name, { code });
    case 'cool':
      return s.recordFailure('geminicli', name, { code, modelKey, cooldownUntil: until });
    case 'ok':
      return s.recordSuccess('geminicli', name, pick([{}, { modelKey }]));
    case 'set':
      return s.setModelCooldown('geminicli', name, modelKey, pick([null, until]));
    case 'off':
      return s.updateState('geminicli', name, { disabled: pick([true, false]) });
    case 'problem':
      return s.updateState('geminicli', name, { problem });
    case 'restore': {
      const state: CredentialState = {
        disabled: pick([true, false]),
        errorCodes: [pick(CODES), pick(CODES.slice(0, 3))].filter(
          (c, i, all) => all.indexOf(c) === i,
        ),
        lastSuccess: null,
        userEmail: null,
        modelCooldowns: pick([{}, { [modelKey]: until }, { pro: until, flash: NOW - 5 }]),
        callCount: 1,
        problem,
      };
      return s.restoreStates('geminicli', [{ name, state }]);
    }
    default:
      await s.deleteCredential('geminicli', name);
      return s.upsertCredential('geminicli', name, { r: name });
  }
}

/** Every combination of the summary's filters, at `now`. */
function everyQuery(now: number): SummaryQuery[] {
  const cooldowns: SummaryQuery[] = [{ cooldown: 'all' }];
  for (const cooldown of ['in', 'out'] as const) {
    for (const modelKey of [undefined, 'pro', 'flash']) cooldowns.push({ cooldown, modelKey });
  }
  const queries = (['all', 'enabled', 'disabled'] as const).flatMap((status) =>
    [undefined, 400, 404, 409, 413].flatMap((errorCode) =>
      cooldowns.map((cooldown) => ({ status, errorCode, ...cooldown, now, limit: 100 })),
    ),
  );
  // Each once more with a problem filter, in turn: all of them with every query would be slow.
  const problems = ['none', 'any', ...PROBLEMS];
  return [...queries, ...queries.map((q, i) => ({ ...q, problem: problems[i % problems.length] }))];
}

/** Checks the answer to every summary query, at two times, against the credentials' states. */
export async function expectSummariesToFollowStates(s: StorageBackend) {
  for (const now of [NOW, NOW + 30]) {
    const states: Array<[string, CredentialState]> = [];
    for (const name of await s.listCredentialNames('geminicli')) {
      states.push([name, (await s.getState('geminicli', name, now))!]);
    }
    for (const query of everyQuery(now)) {
      const expected = states.filter(([, state]) => matches(state, query)).map(([name]) => name);
      const page = await s.summarize('geminicli', query);
      const names = page.items.map((item) => item.name);
      expect({ query, names, total: page.total }).toEqual({
        query,
        names: expected,
        total: expected.length,
      });
      // Walked in small pages, the same names in the same order: each page starts where it must
      // even when the names before it are skipped.
      const walked: string[] = [];
      for (let offset = 0; offset < expected.length; offset += PAGE_STEP) {
        const part = await s.summarize('geminicli', { ...query, offset, limit: PAGE_STEP });
        expect(part.total).toBe(expected.length);
        walked.push(...part.items.map((item) => item.name));
      }
      expect({ query, walked }).toEqual({ query, walked: expected });
    }
  }
}

/** The page size of the walk in `expectSummariesToFollowStates`: small, and not a divisor of it. */
const PAGE_STEP = 7;

/** What the summary must answer, worked out from each credential's state. */
export function matches(state: CredentialState, q: SummaryQuery): boolean {
  const { status = 'all', errorCode, cooldown = 'all', modelKey, problem } = q;
  if (status !== 'all' && state.disabled !== (status === 'disabled')) return false;
  if (errorCode !== undefined && !state.errorCodes.includes(errorCode)) return false;
  if (problem !== undefined) {
    const code = state.problem?.code;
    const wanted = problem === 'any' || problem === 'none' ? code !== undefined : code === problem;
    if (wanted === (problem === 'none')) return false;
  }
  if (cooldown === 'all') return true;
  const models = Object.keys(state.modelCooldowns);
  const cooling = modelKey === undefined ? models.length > 0 : models.includes(modelKey);
  return cooling === (cooldown === 'in');
}
