import { randomBytes } from 'node:crypto';
import type { GeminiPart, GeminiResponse, GeminiUsage } from '../gemini/gemini.types';
import { finishReason } from '../openai/gemini-parts';
import type {
  AnthropicContentBlock,
  AnthropicMessageResponse,
  AnthropicStopReason,
  AnthropicStreamEvent,
  AnthropicUsage,
} from './anthropic.types';

/** Options of {@link AnthropicStreamConverter}. */
export interface AnthropicResponseOptions {
  /** The message id, `msg_…`. */
  id: string;
  /** The model the client asked for, echoed back. */
  model: string;
  /** Gemini function name → client tool name, for tools the request renamed. */
  toolNames?: ReadonlyMap<string, string>;
  /** The input tokens `message_start` announces before the upstream counted them. */
  inputTokens?: number;
}

/**
 * Turns the events of one Gemini answer (the first candidate) into Anthropic's stream:
 * `message_start` and `ping` from {@link start}; from {@link push}, content blocks opened, fed
 * and closed as parts arrive — `thinking` (thought text, `signature_delta` from Gemini's thought
 * signature), `text`, `tool_use` (its input as one `input_json_delta`) and `image`; from
 * {@link finish}, the last block's stop, `message_delta` (stop reason, usage) and `message_stop`.
 * {@link message} is the whole answer so far, for non-streaming requests.
 */
export class AnthropicStreamConverter {
  private readonly snapshot: AnthropicMessageResponse;
  /** The block being streamed: its type and index; undefined between blocks. */
  private open?: { kind: AnthropicContentBlock['type']; index: number };
  private geminiReason?: string;
  private usage?: GeminiUsage;
  private finished = false;

  constructor(private readonly options: AnthropicResponseOptions) {
    this.snapshot = {
      id: options.id,
      type: 'message',
      role: 'assistant',
      model: options.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: options.inputTokens ?? 0, output_tokens: 0 },
    };
  }

  start(): AnthropicStreamEvent[] {
    return [
      { type: 'message_start', message: { ...this.snapshot, content: [] } },
      { type: 'ping' },
    ];
  }

  push(response: GeminiResponse): AnthropicStreamEvent[] {
    if (response.usageMetadata) this.usage = response.usageMetadata;
    const candidate = response.candidates?.[0];
    if (candidate?.finishReason) this.geminiReason = candidate.finishReason;
    if (!candidate && response.promptFeedback?.blockReason) this.geminiReason = 'SAFETY';
    const events: AnthropicStreamEvent[] = [];
    for (const part of candidate?.content?.parts ?? []) events.push(...this.part(part));
    return events;
  }

  finish(): AnthropicStreamEvent[] {
    if (this.finished) return [];
    this.finished = true;
    const events = this.close();
    this.snapshot.stop_reason = this.stopReason();
    this.snapshot.usage = this.finalUsage();
    events.push(
      {
        type: 'message_delta',
        delta: { stop_reason: this.snapshot.stop_reason, stop_sequence: null },
        usage: { ...this.snapshot.usage },
      },
      { type: 'message_stop' },
    );
    return events;
  }

  /** The answer as one message: call after {@link finish}. */
  message(): AnthropicMessageResponse {
    return this.snapshot;
  }

  private part(part: GeminiPart): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    const signature = part.thoughtSignature;
    if (part.thought && typeof part.text === 'string') {
      events.push(...this.append('thinking', part.text));
      if (signature) events.push(...this.sign(signature));
      return events;
    }
    // A signature on an answer part (Gemini 3 signs its function calls) rides on an empty
    // thinking block of its own: replayed, an empty signed block signs the part after it, while
    // a block with thoughts would keep the signature for those thoughts (and the call would go
    // back to Gemini unsigned, which it refuses).
    if (signature) {
      this.startBlock(events, { type: 'thinking', thinking: '', signature: '' });
      events.push(...this.sign(signature));
    }
    if (part.functionCall) {
      const { name, args, id } = part.functionCall;
      const input = withoutNulls(args ?? {}) as Record<string, unknown>;
      const block = {
        type: 'tool_use' as const,
        id: id || `toolu_${randomBytes(12).toString('hex')}`,
        name: this.options.toolNames?.get(name) ?? name,
        input: {},
      };
      const index = this.startBlock(events, block);
      const partial_json = JSON.stringify(input);
      (this.snapshot.content[index] as { input: unknown }).input = input;
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json },
      });
      events.push(...this.close());
    } else if (part.inlineData) {
      const { mimeType, data } = part.inlineData;
      const source = { type: 'base64' as const, media_type: mimeType, data };
      this.startBlock(events, { type: 'image', source });
      events.push(...this.close());
    } else if (typeof part.text === 'string' && part.text !== '') {
      events.push(...this.append('text', part.text));
    }
    return events;
  }

  /** Text for a text or thinking block, opening one when another kind is open. */
  private append(kind: 'text' | 'thinking', text: string): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (this.open?.kind !== kind) {
      const block: AnthropicContentBlock =
        kind === 'text'
          ? { type: 'text', text: '' }
          : { type: 'thinking', thinking: '', signature: '' };
      this.startBlock(events, block);
    }
    if (text === '') return events;
    const index = this.open!.index;
    const block = this.snapshot.content[index];
    if (block.type === 'text') block.text += text;
    if (block.type === 'thinking') block.thinking += text;
    events.push({
      type: 'content_block_delta',
      index,
      delta:
        kind === 'text' ? { type: 'text_delta', text } : { type: 'thinking_delta', thinking: text },
    });
    return events;
  }

  private sign(signature: string): AnthropicStreamEvent[] {
    const index = this.open!.index;
    const block = this.snapshot.content[index];
    if (block.type === 'thinking') block.signature = signature;
    return [{ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature } }];
  }

  /** Closes the open block (if any), then opens `block`; returns its index. */
  private startBlock(events: AnthropicStreamEvent[], block: AnthropicContentBlock): number {
    events.push(...this.close());
    const index = this.snapshot.content.length;
    this.snapshot.content.push(block);
    const start = block.type === 'tool_use' ? { ...block, input: {} } : { ...block };
    events.push({ type: 'content_block_start', index, content_block: start });
    this.open = { kind: block.type, index };
    return index;
  }

  private close(): AnthropicStreamEvent[] {
    const index = this.open?.index;
    this.open = undefined;
    return index === undefined ? [] : [{ type: 'content_block_stop', index }];
  }

  private stopReason(): AnthropicStopReason {
    if (this.snapshot.content.some((block) => block.type === 'tool_use')) return 'tool_use';
    const reason = finishReason(this.geminiReason, false);
    if (reason === 'length') return 'max_tokens';
    return reason === 'content_filter' ? 'refusal' : 'end_turn';
  }

  private finalUsage(): AnthropicUsage {
    const usage = this.usage ?? {};
    return {
      input_tokens: usage.promptTokenCount ?? this.options.inputTokens ?? 0,
      output_tokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    };
  }
}

/** A tool input without its `null` values: Gemini sends null for omitted optional arguments. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}
