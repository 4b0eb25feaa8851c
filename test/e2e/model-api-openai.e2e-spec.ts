import OpenAI from 'openai';
import {
  type CodeAssistCall,
  functionCallReply,
  googleError,
  quotaExceeded,
  serverError,
  slow,
  streamReply,
  textReply,
} from '../support/fake-code-assist';
import { startConnectProxy } from './support/connect-proxy';
import { API_KEY, type ModelGateway, startModelGateway } from './support/model-gateway';

type Request = {
  contents: Array<{ role: string; parts: Array<Record<string, any>> }>;
  systemInstruction?: { parts: Array<{ text: string }> };
  generationConfig?: Record<string, any>;
  tools?: Array<Record<string, any>>;
  toolConfig?: Record<string, any>;
};
const requestOf = (call: CodeAssistCall) => call.request as Request;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the OpenAI API, driven by the official openai SDK', () => {
  let g: ModelGateway;
  let client: OpenAI;

  beforeAll(async () => {
    g = await startModelGateway(3);
    client = new OpenAI({ apiKey: API_KEY, baseURL: `${g.app.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => g.close());
  beforeEach(() => g.assist.reset());

  const user = (content: string) => ({ role: 'user' as const, content });

  describe('chat completions', () => {
    it('answers with content, reasoning and usage from one upstream generateContent call', async () => {
      g.assist.script(
        textReply('Paris is the capital.', {
          thought: 'The user asks about France.',
          usage: { promptTokenCount: 12, candidatesTokenCount: 5, thoughtsTokenCount: 7 },
        }),
      );
      const completion = await client.chat.completions.create({
        model: 'gemini-2.5-pro',
        messages: [{ role: 'system', content: 'Be brief.' }, user('Capital of France?')],
      });
      const choice = completion.choices[0];
      expect(choice.message.content).toBe('Paris is the capital.');
      expect((choice.message as unknown as { reasoning_content: string }).reasoning_content).toBe(
        'The user asks about France.',
      );
      expect(choice.finish_reason).toBe('stop');
      expect(completion.model).toBe('gemini-2.5-pro');
      expect(completion.usage).toMatchObject({
        prompt_tokens: 12,
        completion_tokens: 12,
        total_tokens: 24,
      });
      const [call] = g.assist.calls();
      expect(call).toMatchObject({ route: 'generate', model: 'gemini-2.5-pro' });
      expect(g.credentials.map((c) => c.token)).toContain(call.token);
      expect(call.project).toBe(g.credentials.find((c) => c.token === call.token)!.project);
      expect(call.userAgent).toMatch(/^GeminiCLI\/[\d.]+ \(\w+; \w+\)$/);
      // Compatibility mode (the default) sends the system message as a user turn.
      expect(requestOf(call).systemInstruction).toBeUndefined();
      expect(JSON.stringify(requestOf(call).contents)).toContain('Be brief.');
    });

    it('maps sampling settings, stop sequences, n, seed, penalties and JSON mode', async () => {
      await client.chat.completions.create({
        model: 'gemini-2.5-flash',
        messages: [user('List three colours as JSON.')],
        temperature: 0.3,
        top_p: 0.8,
        max_tokens: 100_000,
        stop: ['END'],
        n: 2,
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
        response_format: { type: 'json_object' },
      });
      expect(requestOf(g.assist.calls()[0]).generationConfig).toMatchObject({
        temperature: 0.3,
        topP: 0.8,
        maxOutputTokens: 65_535,
        stopSequences: ['END'],
        candidateCount: 2,
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        responseMimeType: 'application/json',
      });
    });

    it('sends images given as data URIs as inline data', async () => {
      const png = Buffer.from('fake-png-bytes').toString('base64');
      await client.chat.completions.create({
        model: 'gemini-2.5-pro',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
            ],
          },
        ],
      });
      expect(requestOf(g.assist.calls()[0]).contents[0].parts).toEqual([
        { text: 'What is this?' },
        { inlineData: { mimeType: 'image/png', data: png } },
      ]);
    });

    it('applies the model variants: thinking budget and Google Search', async () => {
      await client.chat.completions.create({
        model: 'gemini-2.5-flash-maxthinking-search',
        messages: [user('News?')],
      });
      await client.chat.completions.create({
        model: 'gemini-2.5-pro-nothinking',
        messages: [user('Quick.')],
      });
      const [max, none] = g.assist.calls().map(requestOf);
      expect(g.assist.calls().map((c) => c.model)).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
      expect(max.generationConfig?.thinkingConfig).toEqual({
        thinkingBudget: 24_576,
        includeThoughts: true,
      });
      expect(max.tools).toContainEqual({ googleSearch: {} });
      expect(none.generationConfig?.thinkingConfig).toMatchObject({ thinkingBudget: 128 });
    });

    it('rejects a malformed request with 400 naming the field, without calling upstream', async () => {
      const error = await client.chat.completions
        .create({ model: 'gemini-2.5-pro', messages: [], temperature: 5 })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as Error).message).toMatch(/messages/);
      expect(g.assist.calls()).toHaveLength(0);
    });
  });

  describe('streaming', () => {
    it('relays chunks as they arrive, with reasoning, a finish reason and usage on the last chunk', async () => {
      g.assist.script(
        streamReply(['Once ', 'upon ', 'a time.'], { thought: 'A story.', intervalMs: 150 }),
      );
      const stream = await client.chat.completions.create({
        model: 'gemini-2.5-flash',
        messages: [user('Tell a story')],
        stream: true,
      });
      const started = Date.now();
      const arrivals: number[] = [];
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        arrivals.push(Date.now() - started);
      }
      const deltas = chunks.map((c) => c.choices[0]?.delta ?? {});
      expect(deltas.map((d) => d.content ?? '').join('')).toBe('Once upon a time.');
      expect(
        deltas.map((d) => (d as { reasoning_content?: string }).reasoning_content ?? '').join(''),
      ).toBe('A story.');
      expect(deltas[0].role).toBe('assistant');
      const last = chunks.at(-1)!;
      expect(last.choices[0].finish_reason).toBe('stop');
      expect(last.usage?.total_tokens).toBeGreaterThan(0);
      // Not buffered: the first content arrived well before the last.
      expect(arrivals.at(-1)! - arrivals[1]).toBeGreaterThanOrEqual(250);
      expect(g.assist.calls()[0].route).toBe('stream');
    });

    it('fakes a stream for 假流式/ models from one upstream call, with heartbeats while waiting', async () => {
      g.assist.script(slow(textReply('Done thinking.'), 3500));
      const stream = await client.chat.completions.create({
        model: '假流式/gemini-2.5-pro',
        messages: [user('Slow question')],
        stream: true,
      });
      const started = Date.now();
      const seen: Array<{ at: number; content: string }> = [];
      for await (const chunk of stream) {
        seen.push({ at: Date.now() - started, content: chunk.choices[0]?.delta?.content ?? '' });
      }
      const beats = seen.filter((s) => s.content === '' && s.at < 3400);
      expect(beats.length).toBeGreaterThanOrEqual(2);
      expect(beats[0].at).toBeLessThan(500);
      expect(seen.map((s) => s.content).join('')).toBe('Done thinking.');
      expect(g.assist.calls().map((c) => c.route)).toEqual(['generate']);
      expect(g.assist.calls()[0].model).toBe('gemini-2.5-pro');
    });

    it('ends the stream with an error event when the upstream drops mid-stream', async () => {
      g.assist.script(streamReply(['one ', 'two ', 'three'], { dropAfter: 1 }));
      const stream = await client.chat.completions.create({
        model: 'gemini-2.5-pro',
        messages: [user('count')],
        stream: true,
      });
      let text = '';
      const error = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })().catch((err: unknown) => err);
      expect(text).toBe('one ');
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as Error).message).toMatch(/Upstream/);
    });

    it('aborts the upstream call when the client disconnects', async () => {
      g.assist.script(streamReply(['a', 'b', 'c', 'd', 'e', 'f'], { intervalMs: 400 }));
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: 'gemini-2.5-pro', messages: [user('long')], stream: true },
        { signal: controller.signal },
      );
      await (async () => {
        for await (const chunk of stream) {
          if (chunk.choices[0]?.delta?.content) controller.abort();
        }
      })().catch(() => undefined);
      const call = g.assist.calls()[0];
      const deadline = Date.now() + 2000;
      while (!call.aborted && Date.now() < deadline) await sleep(50);
      expect(call.aborted).toBe(true);
    });
  });

  describe('tools', () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather of a city',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
        },
      },
    ];

    it('declares tools, returns tool calls and sends tool results back as function responses', async () => {
      g.assist.script(functionCallReply('get_weather', { city: 'Paris' }));
      const first = await client.chat.completions.create({
        model: 'gemini-2.5-pro',
        messages: [user('Weather in Paris?')],
        tools,
        tool_choice: 'required',
      });
      const choice = first.choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
      expect(call.function.name).toBe('get_weather');
      expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
      const sent = requestOf(g.assist.calls()[0]);
      expect(sent.tools).toEqual([
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather of a city',
              parameters: expect.not.objectContaining({ additionalProperties: false }),
            },
          ],
        },
      ]);
      expect(sent.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });

      g.assist.script(textReply('It is sunny in Paris.'));
      const second = await client.chat.completions.create({
        model: 'gemini-2.5-pro',
        messages: [
          user('Weather in Paris?'),
          choice.message as OpenAI.ChatCompletionMessageParam,
          { role: 'tool', tool_call_id: call.id, content: '{"sky":"clear"}' },
        ],
        tools,
      });
      expect(second.choices[0].message.content).toBe('It is sunny in Paris.');
      const history = requestOf(g.assist.calls()[1]).contents;
      expect(history[1].parts[0].functionCall).toMatchObject({
        name: 'get_weather',
        args: { city: 'Paris' },
      });
      expect(history[2].parts[0].functionResponse).toMatchObject({
        name: 'get_weather',
        response: { sky: 'clear' },
      });
    });

    it('streams tool calls', async () => {
      g.assist.script(
        streamReply(['Checking.'], {
          functionCall: { name: 'get_weather', args: { city: 'Oslo' } },
        }),
      );
      const stream = await client.chat.completions.create({
        model: 'gemini-2.5-pro',
        messages: [user('Weather in Oslo?')],
        tools,
        stream: true,
      });
      const calls: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
      let finish: string | null = null;
      for await (const chunk of stream) {
        calls.push(...(chunk.choices[0]?.delta?.tool_calls ?? []));
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        index: 0,
        type: 'function',
        function: { name: 'get_weather' },
      });
      expect(JSON.parse(calls[0].function!.arguments!)).toEqual({ city: 'Oslo' });
      expect(finish).toBe('tool_calls');
    });
  });

  describe('credentials, retries and errors', () => {
    it('retries a 429 with another credential, cooling the first down until the reset time', async () => {
      g.assist.script(quotaExceeded(120), textReply('Second time lucky.'));
      const completion = await client.chat.completions.create({
        model: 'gemini-2.5-pro',
        messages: [user('hello')],
      });
      expect(completion.choices[0].message.content).toBe('Second time lucky.');
      const [first, second] = g.assist.calls();
      expect(second.token).not.toBe(first.token);
      const cooled = g.credentials.find((c) => c.token === first.token)!;
      const state = await g.app.storage.getState('geminicli', cooled.name);
      expect(state!.modelCooldowns.pro).toBeGreaterThan(Date.now() / 1000 + 100);
      expect(state!.errorCodes).toContain(429);
      await g.app.storage.updateState('geminicli', cooled.name, { disabled: false });
      await g.app.storage.setModelCooldown('geminicli', cooled.name, 'pro', null);
    });

    it('refreshes a token the upstream rejected with 401 before that credential is used again', async () => {
      g.assist.script(
        googleError(401, 'Request had invalid authentication credentials.'),
        textReply('ok'),
      );
      const completion = await client.chat.completions.create({
        model: 'gemini-2.5-pro',
        messages: [user('hello')],
      });
      expect(completion.choices[0].message.content).toBe('ok');
      const rejected = g.credentials.find((c) => c.token === g.assist.calls()[0].token)!;
      for (let i = 0; i < g.credentials.length; i++) {
        await client.chat.completions.create({
          model: 'gemini-2.5-pro',
          messages: [user('again')],
        });
      }
      expect(g.google.tokenRequests(`refresh-${rejected.token}`).length).toBe(1);
      const used = g.assist
        .calls()
        .slice(2)
        .map((c) => c.token);
      expect(used).not.toContain(rejected.token);
      expect(used.filter((token) => token!.startsWith('fake-access-')).length).toBeGreaterThan(0);
    });

    it('gives up after the configured retries and answers the upstream status in OpenAI shape', async () => {
      await g.configure({ retry_429_max_retries: 2 });
      g.assist.script(serverError());
      const error = await client.chat.completions
        .create({ model: 'gemini-2.5-flash', messages: [user('hello')] })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
      expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
        message: 'Upstream error: Internal error encountered.',
        type: 'server_error',
      });
      expect(g.assist.calls()).toHaveLength(3);
      await g.configure({ retry_429_max_retries: null });
    });

    it('returns a client error from upstream at once, without retrying', async () => {
      g.assist.script(googleError(400, 'Request contains an invalid argument.'));
      const error = await client.chat.completions
        .create({ model: 'gemini-2.5-pro', messages: [user('hello')] })
        .catch((err: unknown) => err);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
      expect((error as Error).message).toMatch(/invalid argument/);
      expect(g.assist.calls()).toHaveLength(1);
    });

    it('answers 504 when the upstream does not start answering within the first-byte timeout', async () => {
      await g.configure({ upstream_first_byte_timeout: 0.5, retry_429_enabled: false });
      try {
        g.assist.script(slow(textReply('too late'), 2000));
        const error = await client.chat.completions
          .create({ model: 'gemini-2.5-pro', messages: [user('hello')] })
          .catch((err: unknown) => err);
        expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
      } finally {
        await g.configure({ upstream_first_byte_timeout: null, retry_429_enabled: null });
      }
    });

    it('answers 503 saying why when no credential is usable', async () => {
      for (const c of g.credentials) {
        await g.app.storage.updateState('geminicli', c.name, { disabled: true });
      }
      try {
        await sleep(1200); // the rotation index follows storage within a second
        const error = await client.chat.completions
          .create({ model: 'gemini-2.5-pro', messages: [user('hello')] })
          .catch((err: unknown) => err);
        expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
        expect((error as Error).message).toMatch(/No usable credential for gemini-2.5-pro/);
        expect(g.assist.calls()).toHaveLength(0);
      } finally {
        for (const c of g.credentials) {
          await g.app.storage.updateState('geminicli', c.name, { disabled: false });
        }
        await sleep(1200);
      }
    });
  });

  describe('settings', () => {
    it('sends upstream calls through the configured HTTP proxy', async () => {
      const proxy = await startConnectProxy();
      await g.configure({ proxy: proxy.url });
      try {
        g.assist.script(textReply('Via the proxy.'));
        const completion = await client.chat.completions.create({
          model: 'gemini-2.5-pro',
          messages: [user('hi')],
        });
        expect(completion.choices[0].message.content).toBe('Via the proxy.');
        expect(proxy.tunnels).toEqual([new URL(g.google.url).host]);
      } finally {
        await g.configure({ proxy: null });
        await proxy.close();
      }
    });

    it('sends system messages as a system instruction when compatibility mode is off', async () => {
      await g.configure({ compatibility_mode_enabled: false });
      try {
        await client.chat.completions.create({
          model: 'gemini-2.5-pro',
          messages: [{ role: 'system', content: 'You are terse.' }, user('hi')],
        });
        const sent = requestOf(g.assist.calls()[0]);
        expect(sent.systemInstruction?.parts).toEqual([{ text: 'You are terse.' }]);
        expect(JSON.stringify(sent.contents)).not.toContain('You are terse.');
      } finally {
        await g.configure({ compatibility_mode_enabled: null });
      }
    });

    it('strips thoughts when return_thoughts_to_frontend is off', async () => {
      await g.configure({ return_thoughts_to_frontend: false });
      try {
        g.assist.script(textReply('Answer.', { thought: 'secret reasoning' }));
        const completion = await client.chat.completions.create({
          model: 'gemini-2.5-pro',
          messages: [user('hi')],
        });
        expect(JSON.stringify(completion)).not.toContain('secret reasoning');
        expect(completion.choices[0].message.content).toBe('Answer.');
      } finally {
        await g.configure({ return_thoughts_to_frontend: null });
      }
    });
  });
});
