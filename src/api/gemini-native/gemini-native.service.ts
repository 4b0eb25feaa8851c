import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { SettingsService } from '../../config/settings.service';
import { describeFailure } from '../api-failure';
import { geminiErrorBody } from '../api-error';
import type { RequestContext } from '../../observability/request-context';
import { type ClientScope, clientScope } from '../client-signal';
import type { GeminiResponse } from '../gemini/gemini.types';
import { prepareNativeRequest, withoutThoughts } from '../gemini/gemini-request';
import { applyVariant, parseModelVariant } from '../gemini/model-variant';
import { ModelCaller } from '../model-caller.service';
import { ModelStreamer } from '../model-streamer.service';
import { drained, SseWriter } from '../sse-writer';
import { heartbeatWhile } from '../heartbeat';
import type { UpstreamTarget } from '../upstream-target';

/** What fake streaming sends while it waits: an empty model turn. */
const HEARTBEAT = { candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, index: 0 }] };

/**
 * Gemini-native generateContent and streamGenerateContent over Code Assist: the request is
 * checked and shaped for the model variant, answers are passed through (thoughts stripped when
 * `return_thoughts_to_frontend` is off). Streams are relayed event by event as they arrive.
 */
@Injectable()
export class GeminiNativeService {
  constructor(
    private readonly caller: ModelCaller,
    private readonly streamer: ModelStreamer,
    private readonly settings: SettingsService,
  ) {}

  async generate(
    target: UpstreamTarget,
    modelId: string,
    body: unknown,
    res: ServerResponse,
  ): Promise<GeminiResponse> {
    const variant = parseModelVariant(modelId);
    const { model, request } = target.prepare(
      variant.base,
      applyVariant(prepareNativeRequest(body), variant, 'native'),
    );
    const response = await this.caller.generate(target, model, request, clientScope(res));
    return this.shaped(response as GeminiResponse);
  }

  /**
   * Streams to `res`: Server-Sent Events when `sse` (`alt=sse`), else a JSON array written
   * element by element. Errors before the first event answer with their status; later ones end
   * the stream with one error event.
   */
  async stream(
    target: UpstreamTarget,
    modelId: string,
    body: unknown,
    res: ServerResponse,
    sse: boolean,
  ): Promise<void> {
    const variant = parseModelVariant(modelId);
    const { model, request } = target.prepare(
      variant.base,
      applyVariant(prepareNativeRequest(body), variant, 'native'),
    );
    const out = sse ? new SseWriter(res, '\r\n') : new JsonArrayWriter(res);
    if (variant.fakeStream) {
      out.open();
      const response = await heartbeatWhile(
        () => out.send(HEARTBEAT),
        () => this.caller.generate(target, model, request, out),
      ).catch((err: unknown) => this.fail(out, err));
      if (response !== undefined) {
        await Promise.resolve()
          .then(() => out.send(this.shaped(response as GeminiResponse)))
          .catch((err: unknown) => this.fail(out, err));
      }
      return out.end();
    }
    const events = await this.streamer.open(target, variant, model, request, out);
    out.open();
    try {
      for await (const event of events) await out.send(this.shaped(event as GeminiResponse));
    } catch (err) {
      await this.fail(out, err);
    }
    out.end();
  }

  private shaped(response: GeminiResponse): GeminiResponse {
    return this.settings.get('return_thoughts_to_frontend') ? response : withoutThoughts(response);
  }

  private async fail(out: SseWriter | JsonArrayWriter, err: unknown): Promise<undefined> {
    const failure = describeFailure(err, out.context);
    if (failure && !out.signal.aborted) {
      await out.send(
        geminiErrorBody(failure.status >= 400 ? failure.status : 502, failure.message),
      );
    }
    return undefined;
  }
}

/** Google's non-SSE stream: one JSON array, each element written as it arrives. */
class JsonArrayWriter implements ClientScope {
  readonly signal: AbortSignal;
  readonly context?: RequestContext;
  private count = 0;

  constructor(private readonly res: ServerResponse) {
    ({ signal: this.signal, context: this.context } = clientScope(res));
  }

  open() {
    if (this.res.headersSent) return;
    this.res.statusCode = 200;
    this.res.setHeader('content-type', 'application/json; charset=utf-8');
    this.res.flushHeaders();
    this.res.write('[');
  }

  async send(data: unknown) {
    this.open();
    if (this.res.destroyed) return;
    const text = `${this.count++ > 0 ? ',\r\n' : ''}${JSON.stringify(data)}`;
    if (!this.res.write(text)) await drained(this.res);
  }

  end() {
    this.open();
    if (!this.res.destroyed) this.res.end(']');
  }
}
