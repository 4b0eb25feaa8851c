import { retriesWithAnotherCredential } from './retry-rule';

describe('retriesWithAnotherCredential', () => {
  it('moves on after a failure another credential may not have', () => {
    for (const status of [undefined, 0, 401, 403, 429, 500, 502, 503, 504]) {
      expect([status, retriesWithAnotherCredential(status)]).toEqual([status, true]);
    }
  });

  it('stops when the request itself is at fault, so healthy credentials are not blamed', () => {
    for (const status of [400, 404, 405, 409, 413, 422]) {
      expect([status, retriesWithAnotherCredential(status)]).toEqual([status, false]);
    }
  });
});
