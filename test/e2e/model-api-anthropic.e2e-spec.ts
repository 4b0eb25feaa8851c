import Anthropic from '@anthropic-ai/sdk';
import {
  requestOf,
  functionCallReply,
  googleError,
  quotaExceeded,
  slow,
  streamReply,
  textReply,
} from '../support/fake-code-assist';
import { API_KEY, type ModelGateway, startModelGateway } from './support/model-gateway';

describe("the Anthropic Messages API, driven by Anthropic's official SDK", () => {
  let g: ModelGateway;
  let client: Anthropic;

  beforeAll(async () => {
    g = await startModelGateway(3);
    client = new Anthropic({ apiKey: API_KEY, baseURL: g.app.url, maxRetries: 0 });
  });
  afterAll(() => g.close());
  beforeEach(() => g.assist.reset());

  it('answers a message with text, stop reason and usage; system becomes the system instruction', async () => {
    g.assist.script(
      textReply('Paris.', { usage: { promptTokenCount: 12, candidatesTokenCount: 2 } }),
    );
    const message = await client.messages.create({
      model: 'gemini-2.5-flash',
      max_tokens: 1024,
      system: 'Answer in one word.',
      // Sampling settings this SDK version no longer types, but older clients send.
      ...({ temperature: 0.2, top_p: 0.9, top_k: 20 } as object),
      stop_sequences: ['STOP'],
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'gemini-2.5-flash',
      content: [{ type: 'text', text: 'Paris.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 2 },
    });
    expect(message.id).toMatch(/^msg_/);
    const [call] = g.assist.calls();
    expect(call).toMatchObject({ route: 'generate', model: 'gemini-2.5-flash' });
    expect(requestOf(call).systemInstruction).toEqual({ parts: [{ text: 'Answer in one word.' }] });
    expect(requestOf(call).generationConfig).toMatchObject({
      maxOutputTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      topK: 20,
      stopSequences: ['STOP'],
    });
  });

  it('serves Claude model names from Gemini models, Haiku from flash', async () => {
    await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi there' }],
    });
    await client.messages.create({
      model: 'claude-3-5-haiku-latest',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi there' }],
    });
    expect(g.assist.calls().map((c) => c.model)).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash']);
  });

  it('streams the full event sequence, and the stream helper assembles the final message', async () => {
    g.assist.script(
      streamReply(
        [
          [{ text: 'Checking the ', thought: true }],
          [{ text: 'weather.', thought: true, thoughtSignature: 'sig-1' }],
          'Let me ',
          'look.',
        ],
        {
          functionCall: { name: 'get_weather', args: { city: 'Paris', unit: null } as never },
          usage: { promptTokenCount: 30, candidatesTokenCount: 8, thoughtsTokenCount: 4 },
        },
      ),
    );
    const stream = client.messages.stream({
      model: 'gemini-2.5-pro',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [
        {
          name: 'get_weather',
          input_schema: {
            type: 'object',
            properties: { city: { type: 'string' }, unit: { type: 'string' } },
          },
        },
      ],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(
        event.type === 'content_block_delta'
          ? event.delta.type
          : event.type === 'content_block_start'
            ? `start:${event.content_block.type}`
            : event.type,
      );
    }
    expect(seen).toEqual([
      'message_start',
      'start:thinking',
      'thinking_delta',
      'thinking_delta',
      'signature_delta',
      'content_block_stop',
      'start:text',
      'text_delta',
      'text_delta',
      'content_block_stop',
      'start:tool_use',
      'input_json_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Checking the weather.', signature: 'sig-1' },
      { type: 'text', text: 'Let me look.' },
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'get_weather',
        input: { city: 'Paris' },
      },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 30, output_tokens: 12 });
    const [call] = g.assist.calls();
    expect(call.route).toBe('stream');
    expect(requestOf(call).generationConfig?.thinkingConfig).toEqual({
      thinkingBudget: 1024,
      includeThoughts: true,
    });
  });

  it('names every SSE event and pings after message_start', async () => {
    const response = await fetch(`${g.app.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-2.5-flash',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'hello' }],
      }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    const names = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names.slice(0, 3)).toEqual(['message_start', 'ping', 'content_block_start']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('fakes a stream for 假流式/ models from one upstream call, pinging while it runs', async () => {
    g.assist.script(slow(textReply('All at once.'), 500));
    const stream = client.messages.stream({
      model: '假流式/gemini-2.5-flash',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Take your time' }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'All at once.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(g.assist.calls().map((c) => c.route)).toEqual(['generate']);
  });

  it('continues a 流式抗截断/ stream that was cut, as one Anthropic stream', async () => {
    g.assist.script(
      streamReply(['First half, '], { finishReason: 'MAX_TOKENS' }),
      streamReply(['second half.[done]']),
    );
    const message = await client.messages
      .stream({
        model: '流式抗截断/gemini-2.5-flash',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Write it all' }],
      })
      .finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'First half, second half.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(g.assist.calls()).toHaveLength(2);
  });

  it('ends a stream the upstream broke off with an error event', async () => {
    g.assist.script(streamReply(['Partial ', 'never'], { dropAfter: 1 }));
    const error = await client.messages
      .stream({
        model: 'gemini-2.5-flash',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Go' }],
      })
      .finalMessage()
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: expect.stringMatching(/Upstream connection failed/) },
    });
  });

  it('runs a tool round trip: tool_use out, tool_result back as a function response', async () => {
    g.assist.script(functionCallReply('get_weather', { city: 'Paris' }));
    const tools: Anthropic.Tool[] = [
      {
        name: 'get_weather',
        description: 'Current weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ];
    const first = await client.messages.create({
      model: 'gemini-2.5-pro',
      max_tokens: 500,
      tools,
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((b) => b.type === 'tool_use')!;
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
    expect(requestOf(g.assist.calls()[0]).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY' },
    });
    g.assist.script(textReply('It is 21 °C in Paris.'));
    const second = await client.messages.create({
      model: 'gemini-2.5-pro',
      max_tokens: 500,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '{"celsius": 21}' }],
        },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'It is 21 °C in Paris.' }]);
    const sent = requestOf(g.assist.calls()[1]);
    expect(sent.contents[1].parts).toContainEqual({
      functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: toolUse.id },
    });
    expect(sent.contents[2].parts).toEqual([
      { functionResponse: { name: 'get_weather', response: { celsius: 21 }, id: toolUse.id } },
    ]);
  });

  it('returns signed thinking and replays it on the next turn', async () => {
    g.assist.script(
      streamReply([[{ text: 'Two plus two.', thought: true, thoughtSignature: 'sig-9' }], '4']),
    );
    const first = await client.messages.create({
      model: 'gemini-2.5-flash',
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 2000 },
      messages: [{ role: 'user', content: '2+2?' }],
    });
    expect(first.content).toEqual([
      { type: 'thinking', thinking: 'Two plus two.', signature: 'sig-9' },
      { type: 'text', text: '4' },
    ]);
    await client.messages.create({
      model: 'gemini-2.5-flash',
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 2000 },
      messages: [
        { role: 'user', content: '2+2?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: 'Times 3?' },
      ],
    });
    expect(requestOf(g.assist.calls()[1]).contents[1].parts).toEqual([
      { text: 'Two plus two.', thought: true, thoughtSignature: 'sig-9' },
      { text: '4' },
    ]);
  });

  it('sends base64 images as inline data', async () => {
    const png = Buffer.from('fake-png-bytes').toString('base64');
    await client.messages.create({
      model: 'gemini-2.5-pro',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
    });
    expect(requestOf(g.assist.calls()[0]).contents[0].parts).toEqual([
      { inlineData: { mimeType: 'image/png', data: png } },
      { text: 'What is this?' },
    ]);
  });

  it('counts tokens locally, without an upstream call', async () => {
    const result = await client.messages.countTokens({
      model: 'gemini-2.5-pro',
      system: 'a'.repeat(40),
      messages: [{ role: 'user', content: 'b'.repeat(80) }],
    });
    expect(result).toEqual({ input_tokens: 30 });
    expect(g.assist.calls()).toHaveLength(0);
  });

  it('takes the API password as Bearer too; refuses a missing key with 401, a wrong one with 403', async () => {
    const bearer = new Anthropic({ authToken: API_KEY, baseURL: g.app.url, maxRetries: 0 });
    await expect(
      bearer.messages.create({
        model: 'gemini-2.5-flash',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi there' }],
      }),
    ).resolves.toMatchObject({ type: 'message' });
    const missing = await fetch(`${g.app.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: expect.stringMatching(/x-api-key/) },
    });
    const wrong = new Anthropic({ apiKey: 'wrong', baseURL: g.app.url, maxRetries: 0 });
    const error = await wrong.messages
      .create({
        model: 'gemini-2.5-pro',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: 'error',
      error: { type: 'permission_error', message: 'Invalid API key' },
    });
  });

  it('answers 400 invalid_request_error naming the field, without calling upstream', async () => {
    const error = await client.messages
      .create({ model: 'gemini-2.5-pro', max_tokens: 0, messages: [] })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (error as InstanceType<typeof Anthropic.APIError>).error as {
      error: { type: string; message: string };
    };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/messages: must be a non-empty array/);
    expect(body.error.message).toMatch(/max_tokens: must be positive/);
    expect(g.assist.calls()).toHaveLength(0);
  });

  it('answers 429 rate_limit_error once every retry hit the quota, streaming or not', async () => {
    await g.configure({ retry_429_max_retries: 1 });
    try {
      g.assist.script(quotaExceeded(30));
      const error = await client.messages
        .create({
          model: 'gemini-2.5-pro',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'x' }],
        })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe('rate_limit_error');
      expect(g.assist.calls()).toHaveLength(2);
      const streamed = await client.messages
        .stream({
          model: 'gemini-2.5-pro',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'x' }],
        })
        .finalMessage()
        .catch((err: unknown) => err);
      expect(streamed).toBeInstanceOf(Anthropic.RateLimitError);
    } finally {
      await g.configure({ retry_429_max_retries: null });
      await g.clearCooldowns('geminicli', 'pro');
    }
  });

  it('answers 503 overloaded_error when the upstream stays unavailable', async () => {
    await g.configure({ retry_429_max_retries: 1 });
    try {
      g.assist.script(googleError(503, 'The service is currently unavailable.'));
      const error = await client.messages
        .create({
          model: 'gemini-2.5-flash',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'x' }],
        })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(Anthropic.ServiceUnavailableError);
      const body = (error as InstanceType<typeof Anthropic.APIError>).error as {
        type: string;
        error: { type: string; message: string };
      };
      expect(body.type).toBe('error');
      expect(body.error.type).toBe('overloaded_error');
      expect(body.error.message).toMatch(/currently unavailable/);
    } finally {
      await g.configure({ retry_429_max_retries: null });
    }
  });
});
