import type { ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { sendJson } from '../common/raw-json';
import {
  type RequestContext,
  requestContextOf,
  withRequestId,
} from '../observability/request-context';
import { ApiInputError } from './gemini/api-input.errors';
import { apiErrorBody, type ApiFlavor } from './api-error';
import { ClientGoneError, networkFailure, UpstreamCallError } from './upstream-call.errors';

const logger = new Logger('Api');

/**
 * The status and message a failed model request answers with; `undefined` when nobody listens.
 * An unexpected error is logged with the id of the request (`context`).
 */
export function describeFailure(
  err: unknown,
  context?: RequestContext,
): { status: number; message: string } | undefined {
  // The client left: the call was aborted with its signal (AbortError), nobody is listening.
  if (err instanceof ClientGoneError || (err as Error)?.name === 'AbortError') return undefined;
  if (err instanceof ApiInputError) return { status: 400, message: err.message };
  if (err instanceof UpstreamCallError) return { status: err.status, message: err.message };
  const network = networkFailure(err);
  if (network) return { status: network.status, message: network.message };
  const name = (err as Error)?.name ?? '';
  if (name === 'StorageUnavailableError') {
    return { status: 503, message: `Storage is unavailable: ${(err as Error).message}` };
  }
  logger.error(
    withRequestId(context, `Model request failed: ${(err as Error)?.stack ?? String(err)}`),
  );
  return { status: 500, message: 'Internal error of the gateway' };
}

/** Answers a failed model request in the API's own error shape (before any byte was sent). */
export function sendFailure(res: ServerResponse, flavor: ApiFlavor, err: unknown): void {
  const failure = describeFailure(err, requestContextOf(res));
  if (res.headersSent || res.destroyed) {
    // A stream already began: nothing more can be said, but the client must not hang.
    if (!res.writableEnded && !res.destroyed) res.end();
    return;
  }
  if (failure) sendJson(res, failure.status, apiErrorBody(flavor, failure.status, failure.message));
}
