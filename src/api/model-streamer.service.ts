import { Injectable } from '@nestjs/common';
import { SettingsService } from '../config/settings.service';
import { openAntiTruncated } from './gemini/anti-truncation';
import type { GeminiRequest } from './gemini/gemini.types';
import type { ModelVariant } from './gemini/model-variant';
import type { ClientScope } from './client-signal';
import { ModelCaller } from './model-caller.service';
import type { UpstreamTarget } from './upstream-target';
import { networkFailure } from './upstream-call.errors';

/**
 * Opens the upstream stream of a streaming model request: one stream, or for `流式抗截断/`
 * variants an anti-truncation stream continued up to `anti_truncation_max_attempts` times.
 * Errors before the first event reject, so the route can still answer with their status.
 */
@Injectable()
export class ModelStreamer {
  constructor(
    private readonly caller: ModelCaller,
    private readonly settings: SettingsService,
  ) {}

  open(
    target: UpstreamTarget,
    variant: ModelVariant,
    model: string,
    request: GeminiRequest,
    client: ClientScope,
  ): Promise<AsyncIterable<unknown>> {
    const open = (r: GeminiRequest) => this.caller.stream(target, model, r, client);
    if (!variant.antiTruncation) return open(request);
    return openAntiTruncated(
      request,
      {
        maxContinuations: this.settings.get('anti_truncation_max_attempts'),
        // A connection that broke midway cut the answer; a client that left ends it.
        isCut: (err) => !client.signal.aborted && networkFailure(err) !== undefined,
      },
      open,
    );
  }
}
