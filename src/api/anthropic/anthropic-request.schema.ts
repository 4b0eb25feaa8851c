import { z } from 'zod';
import { ApiInputError } from '../gemini/api-input.errors';

const text = z.string({ error: 'must be a string' });

const imageSource = z.discriminatedUnion(
  'type',
  [
    z.looseObject({
      type: z.literal('base64'),
      media_type: text,
      data: text,
    }),
    z.looseObject({ type: z.literal('url'), url: text }),
  ],
  { error: 'must be a base64 or url image source' },
);

const textBlock = z.looseObject({ type: z.literal('text'), text });
const imageBlock = z.looseObject({ type: z.literal('image'), source: imageSource });

const block = z.discriminatedUnion(
  'type',
  [
    textBlock,
    imageBlock,
    z.looseObject({
      type: z.literal('tool_use'),
      id: text,
      name: text.min(1, { error: 'must not be empty' }),
      input: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
    }),
    z.looseObject({
      type: z.literal('tool_result'),
      tool_use_id: text,
      content: z.union([text, z.array(z.union([textBlock, imageBlock]))]).optional(),
      is_error: z.boolean({ error: 'must be a boolean' }).optional(),
    }),
    z.looseObject({ type: z.literal('thinking'), thinking: text, signature: text.optional() }),
    z.looseObject({ type: z.literal('redacted_thinking'), data: text }),
    // Kinds with no Gemini form, accepted and left out.
    z.looseObject({
      type: z.enum(['document', 'search_result', 'server_tool_use', 'web_search_tool_result']),
    }),
  ],
  { error: 'must be a text, image, tool_use, tool_result, thinking or redacted_thinking block' },
);

const message = z.looseObject({
  role: z.enum(['user', 'assistant'], { error: 'must be user or assistant' }),
  content: z.union([text, z.array(block)], { error: 'must be a string or an array of blocks' }),
});

const tool = z.looseObject({
  /** `custom` (or absent) for client tools; Anthropic's server tools have their own types. */
  type: text.nullish(),
  name: text.min(1, { error: 'must not be empty' }),
  description: text.optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
});

const toolChoice = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.literal('auto') }),
    z.looseObject({ type: z.literal('any') }),
    z.looseObject({ type: z.literal('none') }),
    z.looseObject({ type: z.literal('tool'), name: text }),
  ],
  { error: 'must be auto, any, none or tool' },
);

const thinking = z.discriminatedUnion(
  'type',
  [
    z.looseObject({
      type: z.literal('enabled'),
      budget_tokens: z.int({ error: 'must be an integer' }).min(0, { error: 'must be ≥ 0' }),
    }),
    z.looseObject({ type: z.literal('disabled') }),
    z.looseObject({
      type: z.enum(['adaptive', 'between_tools']),
      display: z.enum(['summarized', 'omitted']).nullish(),
    }),
  ],
  { error: 'must be of type enabled (with budget_tokens), adaptive or disabled' },
);

const unit = z
  .number({ error: 'must be a number' })
  .min(0, { error: 'must be between 0 and 1' })
  .max(1, { error: 'must be between 0 and 1' })
  .optional();

const baseFields = {
  model: text.min(1, { error: 'must not be empty' }),
  messages: z
    .array(message, { error: 'must be a non-empty array' })
    .min(1, { error: 'must be a non-empty array' }),
  system: z
    .union([text, z.array(textBlock)], { error: 'must be a string or text blocks' })
    .optional(),
  tools: z.array(tool, { error: 'must be an array' }).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.nullish(),
};

const messagesSchema = z.looseObject(
  {
    ...baseFields,
    max_tokens: z
      .int({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be an integer') })
      .positive({ error: 'must be positive' }),
    stop_sequences: z.array(text, { error: 'must be an array of strings' }).optional(),
    temperature: unit,
    top_p: unit,
    top_k: z
      .int({ error: 'must be an integer' })
      .positive({ error: 'must be positive' })
      .optional(),
    stream: z.boolean({ error: 'must be a boolean' }).optional(),
  },
  { error: 'the request body must be a JSON object' },
);

const countSchema = z.looseObject(baseFields, { error: 'the request body must be a JSON object' });

/** A validated Anthropic Messages request. */
export type MessagesRequest = z.infer<typeof messagesSchema>;
/** A validated `count_tokens` request: the messages request without its sampling fields. */
export type CountTokensRequest = z.infer<typeof countSchema>;
export type AnthropicMessage = MessagesRequest['messages'][number];
export type AnthropicBlock = Exclude<AnthropicMessage['content'], string>[number];
export type AnthropicTool = NonNullable<MessagesRequest['tools']>[number];

/**
 * Validates a `POST /v1/messages` body.
 *
 * @throws ApiInputError naming up to 5 offending fields, e.g. `max_tokens: must be positive`.
 */
export function parseMessagesRequest(body: unknown): MessagesRequest {
  return parsed(messagesSchema.safeParse(body));
}

/** Validates a `POST /v1/messages/count_tokens` body (no `max_tokens` needed). */
export function parseCountTokensRequest(body: unknown): CountTokensRequest {
  return parsed(countSchema.safeParse(body));
}

function parsed<T>(result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data;
  throw ApiInputError.fromIssues(result.error.issues);
}
