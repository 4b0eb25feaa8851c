import { normalizeState } from './normalize-state';
import { canonicalJson } from './transfer.types';

describe('normalizeState', () => {
  it('makes what the Python gateway left behind fit the storage rules', () => {
    const state = normalizeState({
      disabled: 1 as unknown as boolean,
      errorCodes: [429, 500, 429, 7, 401, 402, 403, 404, 405, 406, 407, 408, 409],
      lastSuccess: -1,
      userEmail: 5 as unknown as string,
      modelCooldowns: { pro: 4e9, bad: 'x' as unknown as number, '': 1 },
      callCount: null as unknown as number,
      problem: null,
    });
    expect(state).toEqual({
      disabled: false,
      errorCodes: [500, 429, 401, 402, 403, 404, 405, 406, 407, 408, 409].slice(-10),
      lastSuccess: null,
      userEmail: null,
      modelCooldowns: { pro: 4e9 },
      callCount: 0,
      problem: null,
    });
  });

  it('leaves a valid state as it is', () => {
    const valid = {
      disabled: true,
      errorCodes: [429],
      lastSuccess: 1.5,
      userEmail: 'a@b.c',
      modelCooldowns: { 'gemini-2.5-pro': 4e9 },
      callCount: 3,
      problem: null,
    };
    expect(normalizeState(valid)).toEqual(valid);
  });
});

describe('canonicalJson', () => {
  it('gives equal text for equal values whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
  });
});
