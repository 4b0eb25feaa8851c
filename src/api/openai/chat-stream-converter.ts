import type { GeminiResponse, GeminiUsage } from '../gemini/gemini.types';
import type { ChatCompletionChunk, ChatDelta, ChatResponseOptions } from './chat-completion.types';
import { finishReason, readParts, toToolCall, toUsage } from './gemini-parts';

/** What the stream has told the client about one choice so far. */
interface ChoiceState {
  roleSent: boolean;
  /** Tool calls sent, which is also the index of the next one. */
  toolCalls: number;
  geminiReason?: string;
}

/**
 * Turns the events of one streamed Gemini answer into OpenAI `chat.completion.chunk`s. Feed each
 * upstream event to {@link push} and send what it returns, then send what {@link finish} returns
 * (before `data: [DONE]`). One converter per request.
 */
export class ChatStreamConverter {
  private readonly choices = new Map<number, ChoiceState>();
  private usage?: GeminiUsage;
  private blocked = false;
  private finished = false;

  constructor(private readonly options: ChatResponseOptions) {}

  /**
   * The chunks for one upstream event: per candidate with content, one chunk whose delta holds
   * its text (`content`), thoughts (`reasoning_content`, if `includeReasoning`) and function calls
   * (`tool_calls`, indexed from 0 per choice). A choice's first chunk also carries `role`.
   * Finish reasons and usage are remembered for {@link finish}, never sent here.
   */
  push(response: GeminiResponse): ChatCompletionChunk[] {
    if (response.usageMetadata) this.usage = response.usageMetadata;
    if (response.promptFeedback?.blockReason) this.blocked = true;
    const chunks: ChatCompletionChunk[] = [];
    (response.candidates ?? []).forEach((candidate, position) => {
      const index = candidate.index ?? position;
      const state = this.stateOf(index);
      if (candidate.finishReason) state.geminiReason = candidate.finishReason;
      const { text, reasoning, calls } = readParts(candidate.content?.parts);
      const delta: ChatDelta = {};
      if (this.options.includeReasoning && reasoning) delta.reasoning_content = reasoning;
      if (text) delta.content = text;
      if (calls.length) {
        delta.tool_calls = calls.map((call) => ({
          index: state.toolCalls++,
          ...toToolCall(call, this.options.toolNames),
        }));
      }
      if (Object.keys(delta).length === 0) return;
      chunks.push(this.chunk(index, this.withRole(state, delta)));
    });
    return chunks;
  }

  /**
   * The closing chunks, one per choice seen (or for choice 0 if none was): an empty delta (plus
   * `role` if the choice never got one) and its finish reason; the last one carries `usage`.
   * Returns nothing when called again.
   */
  finish(): ChatCompletionChunk[] {
    if (this.finished) return [];
    this.finished = true;
    if (this.choices.size === 0) this.stateOf(0);
    const indices = [...this.choices.keys()].sort((a, b) => a - b);
    const chunks = indices.map((index) => {
      const state = this.stateOf(index);
      const reason =
        finishReason(state.geminiReason, state.toolCalls > 0) ??
        (this.blocked ? 'content_filter' : null);
      return this.chunk(index, this.withRole(state, {}), reason);
    });
    chunks[chunks.length - 1].usage = toUsage(this.usage);
    return chunks;
  }

  private stateOf(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) this.choices.set(index, (state = { roleSent: false, toolCalls: 0 }));
    return state;
  }

  private withRole(state: ChoiceState, delta: ChatDelta): ChatDelta {
    if (state.roleSent) return delta;
    state.roleSent = true;
    return { role: 'assistant', ...delta };
  }

  private chunk(
    index: number,
    delta: ChatDelta,
    reason: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
  ): ChatCompletionChunk {
    const { id, created, model } = this.options;
    return {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index, delta, finish_reason: reason }],
    };
  }
}
