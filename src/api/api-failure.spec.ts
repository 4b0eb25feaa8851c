import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { describeFailure } from './api-failure';
import { UpstreamCallError } from './upstream-call.errors';

describe('describeFailure', () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers nobody and logs nothing when the client left mid-call (AbortError)', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(describeFailure(new DOMException('This operation was aborted', 'AbortError'))).toBe(
      undefined,
    );
    expect(error).not.toHaveBeenCalled();
  });

  it('logs and answers 500 for an error nobody expected', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(describeFailure(new TypeError('x is not a function'))).toEqual({
      status: 500,
      message: 'Internal error of the gateway',
    });
    expect(error).toHaveBeenCalledTimes(1);
  });
});

describe('UpstreamCallError.fromFailure', () => {
  const failure = (status: number, body: unknown) => ({
    ok: false as const,
    status,
    body,
    headers: {},
  });

  it("passes Google's message on, also from the one-element array Google sometimes sends", () => {
    const error = { error: { code: 400, message: 'Invalid JSON payload received.' } };
    for (const body of [error, [error]]) {
      expect(UpstreamCallError.fromFailure(failure(400, body))).toMatchObject({
        status: 400,
        message: 'Upstream error: Invalid JSON payload received.',
      });
    }
  });

  it('answers 502 for a status below 400, which is no answer (a redirect)', () => {
    expect(UpstreamCallError.fromFailure(failure(301, ''))).toMatchObject({
      status: 502,
      message: 'Upstream error: HTTP 301',
    });
  });
});
