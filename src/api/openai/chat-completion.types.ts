/** The OpenAI response shapes this gateway produces (the fields it fills, not the whole API). */

/** Why a choice ended: finished, hit the token limit, filtered, or asked for tool calls. */
export type ChatFinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls';

/** A function call the model asks for; `arguments` is a JSON object serialised to a string. */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatUsage {
  prompt_tokens: number;
  /** Answer and reasoning tokens together, as OpenAI counts them. */
  completion_tokens: number;
  total_tokens: number;
  /** Present when the model reported thinking tokens. */
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface ChatCompletionMessage {
  role: 'assistant';
  /** The answer text; null when the model only called tools or sent nothing. */
  content: string | null;
  /** The model's thoughts, when the gateway returns them and there are any. */
  reasoning_content?: string;
  tool_calls?: ChatToolCall[];
}

/** A non-streamed answer (`object: "chat.completion"`). */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: ChatCompletionMessage;
    finish_reason: ChatFinishReason | null;
  }[];
  usage: ChatUsage;
}

/** What one chunk adds to a choice; `role` comes only in a choice's first chunk. */
export interface ChatDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  /** `index` numbers a choice's tool calls from 0 across the whole stream. */
  tool_calls?: (ChatToolCall & { index: number })[];
}

/** One streamed event (`object: "chat.completion.chunk"`); the final one carries `usage`. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: number; delta: ChatDelta; finish_reason: ChatFinishReason | null }[];
  usage?: ChatUsage;
}

/** Identity and settings shared by every response of one request. */
export interface ChatResponseOptions {
  /** `chatcmpl-…`, the same for every chunk of a stream. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model id as the client asked for it. */
  model: string;
  /** Return thoughts as `reasoning_content` (the `return_thoughts_to_frontend` setting). */
  includeReasoning: boolean;
  /**
   * Gemini function name → the client's, from `functionNameMap(chat)`; tool calls are reported
   * under the client's name. Without it, names are reported as Gemini sent them.
   */
  toolNames?: ReadonlyMap<string, string>;
}
