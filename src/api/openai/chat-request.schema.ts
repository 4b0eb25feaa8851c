import { z } from 'zod';
import { ApiInputError } from '../gemini/api-input.errors';

/**
 * `string | T[]` whose errors point inside the array (a plain `z.union` reports only "Invalid
 * input" for the whole value).
 */
function stringOrArrayOf<T extends z.ZodType>(item: T, message: string) {
  const array = z.array(item);
  return z
    .custom<string | z.output<T>[]>((value) => typeof value === 'string' || Array.isArray(value), {
      error: message,
    })
    .superRefine((value, ctx) => {
      if (!Array.isArray(value)) return;
      const result = array.safeParse(value);
      for (const issue of result.error?.issues ?? []) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      }
    });
}

function range(min: number, max: number) {
  return z
    .number({ error: 'must be a number' })
    .min(min, { error: `must be between ${min} and ${max}` })
    .max(max, { error: `must be between ${min} and ${max}` })
    .nullish();
}

const positiveInt = z.int({ error: 'must be an integer' }).positive({ error: 'must be positive' });

const contentPart = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.literal('text'), text: z.string({ error: 'must be a string' }) }),
    z.looseObject({
      type: z.literal('image_url'),
      image_url: z.looseObject({ url: z.string({ error: 'must be a string' }) }),
    }),
  ],
  { error: 'must be a text or image_url content part' },
);

const toolCall = z.looseObject({
  id: z.string({ error: 'must be a string' }).optional(),
  type: z.literal('function', { error: 'must be "function"' }).optional(),
  function: z.looseObject({
    name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
    /** A JSON object as a string; some clients send the object itself. */
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  }),
});

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'], {
    error: 'must be one of system, developer, user, assistant, tool, function',
  }),
  content: stringOrArrayOf(
    contentPart,
    'must be a string, an array of content parts or null',
  ).nullish(),
  name: z.string({ error: 'must be a string' }).nullish(),
  tool_calls: z.array(toolCall, { error: 'must be an array' }).nullish(),
  tool_call_id: z.string({ error: 'must be a string' }).nullish(),
});

const tool = z.looseObject({
  type: z.literal('function', { error: 'must be "function"' }),
  function: z.looseObject({
    name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
    description: z.string({ error: 'must be a string' }).nullish(),
    parameters: z
      .record(z.string(), z.unknown(), { error: 'must be a JSON schema object' })
      .nullish(),
  }),
});

const toolChoice = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
  ],
  { error: 'must be auto, none, required or {type: "function", function: {name}}' },
);

const thinkingConfig = z.looseObject({
  thinking_budget: z.int({ error: 'must be an integer' }).nullish(),
  include_thoughts: z.boolean({ error: 'must be a boolean' }).nullish(),
  thinking_level: z.string({ error: 'must be a string' }).nullish(),
});
const googleOptions = z.looseObject({ thinking_config: thinkingConfig.nullish() }).nullish();

/**
 * An OpenAI `POST /v1/chat/completions` body. Unknown fields are kept (clients send many); `null`
 * is accepted wherever a field is optional. `google.thinking_config`, top-level or inside
 * `extra_body`, sets Gemini's thinking budget.
 */
export const chatRequestSchema = z.looseObject(
  {
    model: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
    messages: z
      .array(message, { error: 'must be a non-empty array' })
      .min(1, { error: 'must be a non-empty array' }),
    stream: z.boolean({ error: 'must be a boolean' }).nullish(),
    stream_options: z
      .looseObject({ include_usage: z.boolean({ error: 'must be a boolean' }).nullish() })
      .nullish(),
    temperature: range(0, 2),
    top_p: range(0, 1),
    /** Not OpenAI's, but sent by clients written for Gemini; capped at 64. */
    top_k: positiveInt.nullish(),
    max_tokens: positiveInt.nullish(),
    max_completion_tokens: positiveInt.nullish(),
    /** Gemini accepts at most 5 stop sequences (OpenAI documents 4). */
    stop: stringOrArrayOf(
      z.string({ error: 'must be a string' }),
      'must be a string or an array of strings',
    )
      .refine((stop) => typeof stop === 'string' || stop.length <= 5, {
        error: 'must have at most 5 entries',
      })
      .nullish(),
    n: z
      .int({ error: 'must be an integer' })
      .min(1, { error: 'must be between 1 and 8' })
      .max(8, { error: 'must be between 1 and 8' })
      .nullish(),
    seed: z.int({ error: 'must be an integer' }).nullish(),
    presence_penalty: range(-2, 2),
    frequency_penalty: range(-2, 2),
    tools: z.array(tool, { error: 'must be an array' }).nullish(),
    tool_choice: toolChoice.nullish(),
    response_format: z
      .looseObject({
        type: z.enum(['text', 'json_object', 'json_schema'], {
          error: 'must be text, json_object or json_schema',
        }),
        json_schema: z
          .looseObject({ schema: z.record(z.string(), z.unknown()).nullish() })
          .nullish(),
      })
      .nullish(),
    reasoning_effort: z.string({ error: 'must be a string' }).nullish(),
    google: googleOptions,
    extra_body: z.looseObject({ google: googleOptions }).nullish(),
  },
  { error: 'the request body must be a JSON object' },
);

/** A validated chat completion request. */
export type ChatRequest = z.infer<typeof chatRequestSchema>;
/** One entry of {@link ChatRequest.messages}. */
export type ChatMessage = ChatRequest['messages'][number];
/** One element of an array `content`. */
export type ChatContentPart = z.infer<typeof contentPart>;
/** One entry of {@link ChatRequest.tools}. */
export type ChatTool = NonNullable<ChatRequest['tools']>[number];

/**
 * Validates a chat completion body.
 *
 * @throws ApiInputError naming up to 5 offending fields, e.g. `temperature: must be between 0 and 2;
 *   messages: must be a non-empty array`.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return result.data;
  throw ApiInputError.fromIssues(result.error.issues);
}
