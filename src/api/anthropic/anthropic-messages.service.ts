import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { SettingsService } from '../../config/settings.service';
import { describeFailure } from '../api-failure';
import { anthropicErrorBody } from '../api-error';
import { clientScope } from '../client-signal';
import type { GeminiRequest, GeminiResponse } from '../gemini/gemini.types';
import { withoutThoughts } from '../gemini/gemini-request';
import { applyVariant, needsCallSignatures, parseModelVariant } from '../gemini/model-variant';
import { heartbeatWhile } from '../heartbeat';
import { ModelCaller } from '../model-caller.service';
import { ModelStreamer } from '../model-streamer.service';
import { SseWriter } from '../sse-writer';
import type { UpstreamTarget } from '../upstream-target';
import { anthropicModelId } from './anthropic-models';
import {
  type CountTokensRequest,
  type MessagesRequest,
  parseCountTokensRequest,
  parseMessagesRequest,
} from './anthropic-request.schema';
import {
  type AnthropicResponseOptions,
  AnthropicStreamConverter,
} from './anthropic-stream-converter';
import { anthropicToGemini, anthropicToolNames } from './anthropic-to-gemini';
import { estimateInputTokens } from './anthropic-tokens';
import type { AnthropicMessageResponse, AnthropicStreamEvent } from './anthropic.types';

/**
 * Anthropic's Messages API over a Gemini upstream: the request becomes a Gemini request for the
 * model variant, the answer a `message`, or — with `stream: true` — Anthropic's event stream
 * relayed as the upstream sends it. `假流式/` models stream from one non-streaming call with
 * `ping` events while it runs; `流式抗截断/` ones are continued when cut.
 */
@Injectable()
export class AnthropicMessagesService {
  constructor(
    private readonly caller: ModelCaller,
    private readonly streamer: ModelStreamer,
    private readonly settings: SettingsService,
  ) {}

  /** The answer, or undefined when it was streamed to `res`. */
  async create(
    body: unknown,
    res: ServerResponse,
    target: UpstreamTarget,
  ): Promise<AnthropicMessageResponse | undefined> {
    const messages = parseMessagesRequest(body);
    const { variant, request } = this.geminiRequest(messages, target);
    const { model, request: upstreamRequest } = target.prepare(variant.base, request);
    const options: AnthropicResponseOptions = {
      id: `msg_${randomBytes(12).toString('hex')}`,
      model: messages.model,
      toolNames: anthropicToolNames(messages),
      inputTokens: estimateInputTokens(request),
    };
    const converter = new AnthropicStreamConverter(options);
    const shaped = (response: unknown) => this.shaped(response as GeminiResponse, messages);
    if (!messages.stream) {
      const response = await this.caller.generate(target, model, upstreamRequest, clientScope(res));
      converter.push(shaped(response));
      converter.finish();
      return converter.message();
    }
    const out = new SseWriter(res);
    const send = (events: AnthropicStreamEvent[]) => this.send(out, events);
    if (variant.fakeStream) {
      out.open();
      await send(converter.start());
      const response = await heartbeatWhile(
        () => send([{ type: 'ping' }]),
        () => this.caller.generate(target, model, upstreamRequest, out),
      ).catch((err: unknown) => this.fail(out, err));
      if (response !== undefined) {
        await send([...converter.push(shaped(response)), ...converter.finish()]);
      }
      return this.end(out);
    }
    const events = await this.streamer.open(target, variant, model, upstreamRequest, out);
    out.open();
    try {
      await send(converter.start());
      for await (const event of events) await send(converter.push(shaped(event)));
      await send(converter.finish());
    } catch (err) {
      await this.fail(out, err);
    }
    return this.end(out);
  }

  /** `{input_tokens}`: a local estimate, without an upstream call. */
  countTokens(body: unknown, target: UpstreamTarget): { input_tokens: number } {
    const { request } = this.geminiRequest(parseCountTokensRequest(body), target);
    return { input_tokens: estimateInputTokens(request) };
  }

  private geminiRequest(messages: CountTokensRequest, target: UpstreamTarget) {
    const variant = parseModelVariant(anthropicModelId(messages.model, target.ns));
    const translated: GeminiRequest = anthropicToGemini(messages, {
      signFunctionCalls: needsCallSignatures(variant.base),
      model: variant.base,
    });
    // The client's `thinking` wins over a thinking suffix; `-search` yields to declared tools.
    return { variant, request: applyVariant(translated, variant, 'native') };
  }

  /** Thoughts are shown when the client asked for thinking or the gateway is set to show them. */
  private shaped(response: GeminiResponse, messages: MessagesRequest): GeminiResponse {
    const asked = messages.thinking && messages.thinking.type !== 'disabled';
    const show = asked || this.settings.get('return_thoughts_to_frontend');
    return show ? response : withoutThoughts(response);
  }

  private async send(out: SseWriter, events: AnthropicStreamEvent[]): Promise<void> {
    for (const event of events) await out.send(event, event.type);
  }

  private async fail(out: SseWriter, err: unknown): Promise<undefined> {
    const failure = describeFailure(err, out.context);
    if (failure && !out.signal.aborted) {
      const body = anthropicErrorBody(
        failure.status >= 400 ? failure.status : 502,
        failure.message,
      );
      await out.send(body, 'error');
    }
    return undefined;
  }

  private end(out: SseWriter): undefined {
    out.end();
    return undefined;
  }
}
