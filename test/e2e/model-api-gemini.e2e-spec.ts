import { ApiError, GoogleGenAI } from '@google/genai';
import {
  type CodeAssistCall,
  quotaExceeded,
  slow,
  streamReply,
  textReply,
} from '../support/fake-code-assist';
import { API_KEY, type ModelGateway, startModelGateway } from './support/model-gateway';

type Request = {
  contents: Array<{ role: string; parts: Array<Record<string, unknown>> }>;
  generationConfig?: Record<string, any>;
  safetySettings?: Array<{ category: string; threshold: string }>;
  tools?: unknown[];
};
const requestOf = (call: CodeAssistCall) => call.request as Request;

describe("the Gemini API, driven by Google's @google/genai SDK", () => {
  let g: ModelGateway;
  let ai: GoogleGenAI;

  beforeAll(async () => {
    g = await startModelGateway(2);
    ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: g.app.url } });
  });
  afterAll(() => g.close());
  beforeEach(() => g.assist.reset());

  it('generates content through Code Assist and returns the unwrapped response', async () => {
    g.assist.script(textReply('Bonjour!', { thought: 'French greeting.' }));
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'Say hello in French',
      config: {
        temperature: 0.2,
        maxOutputTokens: 200_000,
        topK: 100,
        safetySettings: [
          {
            category: 'HARM_CATEGORY_HARASSMENT' as never,
            threshold: 'BLOCK_LOW_AND_ABOVE' as never,
          },
        ],
      },
    });
    expect(response.text).toBe('Bonjour!');
    expect(response.candidates?.[0].content?.parts?.[0]).toMatchObject({
      text: 'French greeting.',
      thought: true,
    });
    expect(response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    const [call] = g.assist.calls();
    expect(call).toMatchObject({ route: 'generate', model: 'gemini-2.5-pro' });
    const sent = requestOf(call);
    expect(sent.contents).toEqual([{ role: 'user', parts: [{ text: 'Say hello in French' }] }]);
    expect(sent.generationConfig).toMatchObject({
      temperature: 0.2,
      maxOutputTokens: 65_535,
      topK: 64,
    });
    // The client's safety threshold wins; the other categories default to BLOCK_NONE.
    expect(sent.safetySettings).toContainEqual({
      category: 'HARM_CATEGORY_HARASSMENT',
      threshold: 'BLOCK_LOW_AND_ABOVE',
    });
    expect(sent.safetySettings).toContainEqual({
      category: 'HARM_CATEGORY_HATE_SPEECH',
      threshold: 'BLOCK_NONE',
    });
  });

  it('streams content as Server-Sent Events, chunk by chunk', async () => {
    g.assist.script(streamReply(['The ', 'quick ', 'fox'], { intervalMs: 100 }));
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'Finish the sentence',
    });
    const texts: string[] = [];
    for await (const chunk of stream) texts.push(chunk.text ?? '');
    expect(texts.filter(Boolean)).toEqual(['The ', 'quick ', 'fox']);
    expect(g.assist.calls()[0].route).toBe('stream');
  });

  it('fakes a stream for 假流式/ models: empty heartbeats while one upstream call runs', async () => {
    g.assist.script(slow(textReply('All at once.'), 3300));
    const stream = await ai.models.generateContentStream({
      model: '假流式/gemini-2.5-flash',
      contents: 'Take your time',
    });
    const started = Date.now();
    const chunks: Array<{ at: number; text: string }> = [];
    for await (const chunk of stream)
      chunks.push({ at: Date.now() - started, text: chunk.text ?? '' });
    const beats = chunks.filter((c) => c.text === '');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[0].at).toBeLessThan(500);
    expect(chunks.at(-1)!.text).toBe('All at once.');
    expect(g.assist.calls().map((c) => c.route)).toEqual(['generate']);
  });

  it('counts tokens locally, without an upstream call', async () => {
    const result = await ai.models.countTokens({
      model: 'gemini-2.5-pro',
      contents: 'a'.repeat(40),
    });
    expect(result.totalTokens).toBe(10);
    expect(g.assist.calls()).toHaveLength(0);
  });

  it('applies -search and -nothinking on the native route', async () => {
    await ai.models.generateContent({
      model: 'gemini-2.5-flash-nothinking-search',
      contents: 'What happened today?',
    });
    const sent = requestOf(g.assist.calls()[0]);
    expect(g.assist.calls()[0].model).toBe('gemini-2.5-flash');
    expect(sent.tools).toContainEqual({ googleSearch: {} });
    expect(sent.generationConfig?.thinkingConfig).toEqual({
      thinkingBudget: 128,
      includeThoughts: false,
    });
  });

  it('refuses a wrong key with 403 in Gemini shape', async () => {
    const wrong = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: g.app.url } });
    const error = await wrong.models
      .generateContent({ model: 'gemini-2.5-pro', contents: 'hi' })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
    expect(g.assist.calls()).toHaveLength(0);
  });

  it('passes the upstream status on when every retry fails', async () => {
    await g.configure({ retry_429_max_retries: 1 });
    try {
      g.assist.script(quotaExceeded(30));
      const error = await ai.models
        .generateContent({ model: 'gemini-2.5-pro', contents: 'hi' })
        .catch((err: unknown) => err);
      expect((error as ApiError).status).toBe(429);
      expect((error as Error).message).toMatch(/RESOURCE_EXHAUSTED|quota/i);
      expect(g.assist.calls()).toHaveLength(2);
    } finally {
      await g.configure({ retry_429_max_retries: null });
      for (const c of g.credentials) {
        await g.app.storage.setModelCooldown('geminicli', c.name, 'pro', null);
      }
      await new Promise((resolve) => setTimeout(resolve, 1200));
    }
  });

  it('answers 400 in Gemini shape for a request without contents', async () => {
    const response = await fetch(`${g.app.url}/v1beta/models/gemini-2.5-pro:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ generationConfig: {} }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: number; status: string; message: string };
    };
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(body.error.message).toMatch(/contents/);
  });

  it('answers 400 naming tools when they are not an array, on a -search model too', async () => {
    for (const path of ['/v1beta', '/antigravity/v1beta']) {
      const response = await fetch(
        `${g.app.url}${path}/models/gemini-2.5-pro-search:generateContent`,
        {
          method: 'POST',
          headers: { 'x-goog-api-key': API_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({
            contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
            tools: { googleSearch: {} },
          }),
        },
      );
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/tools: must be an array/);
    }
  });

  it('streams a JSON array without alt=sse, and serves /v1/models/... too', async () => {
    g.assist.script(streamReply(['x', 'y']));
    const response = await fetch(
      `${g.app.url}/v1/models/gemini-2.5-pro:streamGenerateContent?key=${API_KEY}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
      },
    );
    expect(response.status).toBe(200);
    const chunks = (await response.json()) as Array<{
      candidates: Array<{ content: { parts: Array<{ text: string }> } }>;
    }>;
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text)).toEqual(['x', 'y']);
  });

  it('answers 404 for an unknown method', async () => {
    const response = await fetch(`${g.app.url}/v1beta/models/gemini-2.5-pro:embedContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': API_KEY, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(404);
  });
});
