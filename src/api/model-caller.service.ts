import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { SettingsService } from '../config/settings.service';
import type { Namespace } from '../storage/storage-backend.interface';
import {
  type AcquiredCredential,
  CredentialPool,
} from '../credentials/rotation/credential-pool.service';
import {
  type CallFailure,
  CredentialRotation,
  type FailureOutcome,
} from '../credentials/rotation/credential-rotation.service';
import { retriesWithAnotherCredential } from '../credentials/rotation/retry-rule';
import type { CodeAssistCall, UpstreamFailure } from '../upstream/code-assist.client';
import type { UpstreamTarget } from './upstream-target';
import type { ClientScope } from './client-signal';
import { type RequestContext, withRequestId } from '../observability/request-context';
import { noteUpstreamAttempt } from '../metrics/upstream-metrics';
import {
  ClientGoneError,
  networkFailure,
  NoCredentialError,
  UpstreamCallError,
} from './upstream-call.errors';

type Attempt<T> = (call: CodeAssistCall) => Promise<{ ok: true; value: T } | UpstreamFailure>;

/**
 * Calls a model upstream for the model APIs — the target's client, with credentials of the
 * target's namespace (Gemini CLI on Code Assist, or antigravity): each attempt picks a credential
 * through the rotation engine and records the result; when recording says another credential
 * may do better (see retriesWithAnotherCredential: network errors, 401, 403, 429, 5xx), it tries
 * one, up to `retry_429_max_retries` retries `retry_429_interval` seconds apart (none when
 * `retry_429_enabled` is off); other failures return at once.
 */
@Injectable()
export class ModelCaller {
  private readonly logger = new Logger('Upstream');

  constructor(
    private readonly pool: CredentialPool,
    private readonly rotation: CredentialRotation,
    private readonly settings: SettingsService,
  ) {}

  /** One non-streaming generateContent on `target`; resolves to the unwrapped response. */
  generate(
    target: UpstreamTarget,
    model: string,
    request: unknown,
    client: ClientScope,
  ): Promise<unknown> {
    return this.withCredentials(target, model, request, client, async (call) => {
      const result = await target.client.generate(call);
      return result.ok ? { ok: true, value: result.response } : result;
    });
  }

  /** Opens a stream (retrying until one opens); its events are the unwrapped chunks. */
  stream(
    target: UpstreamTarget,
    model: string,
    request: unknown,
    client: ClientScope,
  ): Promise<AsyncGenerator<unknown>> {
    return this.withCredentials(target, model, request, client, async (call) => {
      const result = await target.client.stream(call);
      return result.ok ? { ok: true, value: result.events } : result;
    });
  }

  private async withCredentials<T>(
    target: UpstreamTarget,
    model: string,
    request: unknown,
    { signal, context }: ClientScope,
    attempt: Attempt<T>,
  ): Promise<T> {
    const retries = this.settings.get('retry_429_enabled')
      ? this.settings.get('retry_429_max_retries')
      : 0;
    let last: UpstreamCallError | undefined;
    for (let tried = 0; tried <= retries; tried++) {
      if (tried > 0) await this.pause(signal);
      const credential = await this.pool.acquire(target.ns, model, {
        needsProject: true,
        request: context,
      });
      if (!credential) throw last ?? new NoCredentialError(model, target.label);
      const call = {
        accessToken: credential.accessToken,
        projectId: credential.projectId!,
        model,
        request,
        signal,
        context,
      };
      const startedAt = performance.now();
      const outcome = await this.once(target, credential, call, attempt);
      noteUpstreamAttempt({
        ns: target.ns,
        model,
        credential: credential.name,
        retry: tried > 0,
        startedAt,
        outcome: outcome.ok ? 'success' : outcome.error.status,
        context,
      });
      if (outcome.ok) return outcome.value;
      last = outcome.error;
      if (!outcome.retry) break;
    }
    throw last!;
  }

  private async once<T>(
    { ns }: UpstreamTarget,
    credential: AcquiredCredential,
    call: CodeAssistCall,
    attempt: Attempt<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: UpstreamCallError; retry: boolean }> {
    const { name, modelKey } = credential;
    const { signal, context } = call;
    const warn = (msg: string) => this.logger.warn(withRequestId(context, msg));
    let result: Awaited<ReturnType<Attempt<T>>>;
    try {
      result = await attempt(call);
    } catch (err) {
      if (signal?.aborted) throw new ClientGoneError();
      const error = networkFailure(err);
      if (!error) throw err;
      warn(`Upstream call with ${name} failed: ${error.message}`);
      const { retryable } = await this.record(ns, name, { modelKey }, context);
      return { ok: false, error, retry: retryable };
    }
    if (result.ok) {
      // Recorded in the background: the answer does not wait for the bookkeeping.
      this.rotation.recordSuccess(ns, name, modelKey).catch((err: Error) => {
        warn(`Recording a success of ${name} failed: ${err.message}`);
      });
      return result;
    }
    const { status, body, headers } = result;
    warn(`Upstream answered ${status} for ${call.model} with ${name}`);
    if (status === 401) {
      await this.pool.forgetToken(ns, name, credential.credential).catch((err: Error) => {
        warn(`Could not mark the token of ${name} for refresh: ${err.message}`);
      });
    }
    const failure = { status, modelKey, body, headers };
    const { retryable } = await this.record(ns, name, failure, context);
    return { ok: false, error: UpstreamCallError.fromFailure(result), retry: retryable };
  }

  /**
   * Records a failure and returns its verdict. Storage being away does not fail here (the
   * recorder keeps the result); should recording fail otherwise, the same rule still decides
   * and this credential's turn ends in memory, so the client's request goes on.
   */
  private async record(
    ns: Namespace,
    name: string,
    failure: CallFailure,
    context: RequestContext | undefined,
  ): Promise<FailureOutcome> {
    try {
      return await this.rotation.recordFailure(ns, name, failure, context);
    } catch (err) {
      this.rotation.rotateAway(ns, name);
      const message = `Recording a failure of ${name} failed: ${(err as Error).message}`;
      this.logger.warn(withRequestId(context, message));
      return { banned: false, retryable: retriesWithAnotherCredential(failure.status) };
    }
  }

  private async pause(signal: AbortSignal) {
    const seconds = this.settings.get('retry_429_interval');
    try {
      if (seconds > 0) await sleep(seconds * 1000, undefined, { signal });
    } catch {
      throw new ClientGoneError();
    }
    if (signal.aborted) throw new ClientGoneError();
  }
}
