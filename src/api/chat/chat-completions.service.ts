import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { SettingsService } from '../../config/settings.service';
import { describeFailure } from '../api-failure';
import { openAiErrorBody } from '../api-error';
import { clientScope } from '../client-signal';
import type { GeminiResponse } from '../gemini/gemini.types';
import { applyVariant, parseModelVariant } from '../gemini/model-variant';
import { heartbeatWhile } from '../heartbeat';
import { ModelCaller } from '../model-caller.service';
import { ModelStreamer } from '../model-streamer.service';
import { parseChatRequest } from '../openai/chat-request.schema';
import { functionNameMap } from '../openai/function-names';
import { ChatStreamConverter, toChatCompletion } from '../openai/gemini-to-openai';
import { applyThinkingOverride, toGeminiRequest } from '../openai/openai-to-gemini';
import { SseWriter } from '../sse-writer';
import type { UpstreamTarget } from '../upstream-target';

/**
 * `POST /v1/chat/completions` over Code Assist: the OpenAI request becomes a Gemini request for
 * the model variant, the answer an OpenAI completion, or a stream of chunks relayed as the
 * upstream sends them (usage on the final chunk, then `data: [DONE]`). `假流式/` models stream
 * from one non-streaming call, with heartbeats while it runs.
 */
@Injectable()
export class ChatCompletionsService {
  constructor(
    private readonly caller: ModelCaller,
    private readonly streamer: ModelStreamer,
    private readonly settings: SettingsService,
  ) {}

  async complete(body: unknown, res: ServerResponse, target: UpstreamTarget): Promise<unknown> {
    const chat = parseChatRequest(body);
    const variant = parseModelVariant(chat.model);
    const compatibilityMode = this.settings.get('compatibility_mode_enabled');
    const { model, request } = target.prepare(
      variant.base,
      applyThinkingOverride(
        applyVariant(toGeminiRequest(chat, { compatibilityMode }), variant, 'openai'),
        chat,
      ),
    );
    const options = {
      id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
      created: Math.floor(Date.now() / 1000),
      model: chat.model,
      includeReasoning: this.settings.get('return_thoughts_to_frontend'),
      toolNames: functionNameMap(chat),
    };
    if (!chat.stream) {
      const response = await this.caller.generate(target, model, request, clientScope(res));
      return toChatCompletion(response as GeminiResponse, options);
    }
    const converter = new ChatStreamConverter(options);
    const out = new SseWriter(res);
    if (variant.fakeStream) {
      out.open();
      const beat = heartbeatChunk(options);
      const response = await heartbeatWhile(
        () => out.send(beat),
        () => this.caller.generate(target, model, request, out),
      ).catch((err: unknown) => this.fail(out, err));
      if (response !== undefined) {
        await this.relay(out, converter, [response]).catch((err: unknown) => this.fail(out, err));
      }
      return this.done(out);
    }
    const events = await this.streamer.open(target, variant, model, request, out);
    out.open();
    await this.relay(out, converter, events).catch((err: unknown) => this.fail(out, err));
    return this.done(out);
  }

  private async relay(
    out: SseWriter,
    converter: ChatStreamConverter,
    events: AsyncIterable<unknown> | unknown[],
  ): Promise<void> {
    for await (const event of events) {
      for (const chunk of converter.push(event as GeminiResponse)) await out.send(chunk);
    }
    for (const chunk of converter.finish()) await out.send(chunk);
  }

  private async fail(out: SseWriter, err: unknown): Promise<undefined> {
    const failure = describeFailure(err, out.context);
    if (failure && !out.signal.aborted) {
      await out.send(
        openAiErrorBody(failure.status >= 400 ? failure.status : 502, failure.message),
      );
    }
    return undefined;
  }

  private async done(out: SseWriter): Promise<undefined> {
    if (!out.signal.aborted) await out.send('[DONE]');
    out.end();
    return undefined;
  }
}

/** What fake streaming sends while it waits: a chunk with empty content. */
function heartbeatChunk(options: { id: string; created: number; model: string }) {
  return {
    id: options.id,
    object: 'chat.completion.chunk',
    created: options.created,
    model: options.model,
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
  };
}
