import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { SettingsService } from '../config/settings.service';
import {
  type AcquiredCredential,
  CredentialPool,
} from '../credentials/rotation/credential-pool.service';
import {
  type CallFailure,
  CredentialRotation,
} from '../credentials/rotation/credential-rotation.service';
import {
  type CodeAssistCall,
  CodeAssistClient,
  type UpstreamFailure,
} from '../upstream/code-assist.client';
import { noteUpstreamAttempt } from '../metrics/upstream-metrics';
import {
  ClientGoneError,
  networkFailure,
  NoCredentialError,
  UpstreamCallError,
} from './upstream-call.errors';

const NS = 'geminicli';

type Attempt<T> = (call: CodeAssistCall) => Promise<{ ok: true; value: T } | UpstreamFailure>;

/** Statuses after which another credential is tried: the request itself was not at fault. */
const retryableStatus = (status: number) =>
  status === 429 || status >= 500 || status === 401 || status === 403;

/**
 * Calls Code Assist for the model APIs: each attempt picks a credential through the rotation
 * engine and records the result; 429, 5xx, 401/403 and network errors try another credential,
 * up to `retry_429_max_retries` retries `retry_429_interval` seconds apart (none when
 * `retry_429_enabled` is off); other failures return at once.
 */
@Injectable()
export class ModelCaller {
  private readonly logger = new Logger('Upstream');

  constructor(
    private readonly pool: CredentialPool,
    private readonly rotation: CredentialRotation,
    private readonly client: CodeAssistClient,
    private readonly settings: SettingsService,
  ) {}

  /** One non-streaming generateContent; resolves to the unwrapped response. */
  generate(model: string, request: unknown, signal: AbortSignal): Promise<unknown> {
    return this.withCredentials(model, request, signal, async (call) => {
      const result = await this.client.generate(call);
      return result.ok ? { ok: true, value: result.response } : result;
    });
  }

  /** Opens a stream (retrying until one opens); its events are the unwrapped chunks. */
  stream(model: string, request: unknown, signal: AbortSignal): Promise<AsyncGenerator<unknown>> {
    return this.withCredentials(model, request, signal, async (call) => {
      const result = await this.client.stream(call);
      return result.ok ? { ok: true, value: result.events } : result;
    });
  }

  private async withCredentials<T>(
    model: string,
    request: unknown,
    signal: AbortSignal,
    attempt: Attempt<T>,
  ): Promise<T> {
    const retries = this.settings.get('retry_429_enabled')
      ? this.settings.get('retry_429_max_retries')
      : 0;
    let last: UpstreamCallError | undefined;
    for (let tried = 0; tried <= retries; tried++) {
      if (tried > 0) await this.pause(signal);
      const credential = await this.pool.acquire(NS, model, { needsProject: true });
      if (!credential) throw last ?? new NoCredentialError(model);
      const call = {
        accessToken: credential.accessToken,
        projectId: credential.projectId!,
        model,
        request,
        signal,
      };
      const startedAt = performance.now();
      const outcome = await this.once(credential, call, attempt, signal);
      noteUpstreamAttempt({
        model,
        credential: credential.name,
        retry: tried > 0,
        startedAt,
        outcome: outcome.ok ? 'success' : outcome.error.status,
      });
      if (outcome.ok) return outcome.value;
      last = outcome.error;
      if (!outcome.retry) break;
    }
    throw last!;
  }

  private async once<T>(
    credential: AcquiredCredential,
    call: CodeAssistCall,
    attempt: Attempt<T>,
    signal: AbortSignal,
  ): Promise<{ ok: true; value: T } | { ok: false; error: UpstreamCallError; retry: boolean }> {
    const { name, modelKey } = credential;
    let result: Awaited<ReturnType<Attempt<T>>>;
    try {
      result = await attempt(call);
    } catch (err) {
      if (signal.aborted) throw new ClientGoneError();
      const error = networkFailure(err);
      if (!error) throw err;
      this.logger.warn(`Upstream call with ${name} failed: ${error.message}`);
      await this.record(name, { modelKey });
      return { ok: false, error, retry: true };
    }
    if (result.ok) {
      // Recorded in the background: the answer does not wait for the bookkeeping.
      this.rotation.recordSuccess(NS, name, modelKey).catch((err: Error) => {
        this.logger.warn(`Recording a success of ${name} failed: ${err.message}`);
      });
      return result;
    }
    const { status, body, headers } = result;
    this.logger.warn(`Upstream answered ${status} for ${call.model} with ${name}`);
    if (status === 401) {
      await this.pool.forgetToken(NS, name, credential.credential).catch((err: Error) => {
        this.logger.warn(`Could not mark the token of ${name} for refresh: ${err.message}`);
      });
    }
    await this.record(name, { status, modelKey, body, headers });
    return {
      ok: false,
      error: UpstreamCallError.fromFailure(result),
      retry: retryableStatus(status),
    };
  }

  /**
   * Records a failure; when storage cannot take it, the call still moves on to another
   * credential (this one's turn ends in memory) instead of failing the client's request.
   */
  private async record(name: string, failure: CallFailure): Promise<void> {
    try {
      await this.rotation.recordFailure(NS, name, failure);
    } catch (err) {
      this.rotation.rotateAway(NS, name);
      this.logger.warn(`Recording a failure of ${name} failed: ${(err as Error).message}`);
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
