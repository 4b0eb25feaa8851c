import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { imageReply } from '../support/fake-antigravity';
import {
  googleError,
  quotaExceeded,
  requestOf,
  streamReply,
  textReply,
} from '../support/fake-code-assist';
import { API_KEY, type ModelGateway, startModelGateway } from './support/model-gateway';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the antigravity routes, driven by the openai, @google/genai and Anthropic SDKs', () => {
  let g: ModelGateway;
  let openai: OpenAI;
  let genai: GoogleGenAI;

  beforeAll(async () => {
    g = await startModelGateway(1, {}, { antigravity: 2 });
    openai = new OpenAI({ apiKey: API_KEY, baseURL: `${g.app.url}/antigravity/v1`, maxRetries: 0 });
    genai = new GoogleGenAI({
      apiKey: API_KEY,
      httpOptions: { baseUrl: `${g.app.url}/antigravity` },
    });
  });
  afterAll(() => g.close());
  beforeEach(() => {
    g.assist.reset();
    g.antigravity.reset();
  });

  const user = (content: string) => ({ role: 'user' as const, content });

  it('serves chat completions from antigravity credentials, in its envelope and model names', async () => {
    g.antigravity.script(textReply('Bonjour.', { thought: 'French.' }));
    const completion = await openai.chat.completions.create({
      model: 'claude-sonnet-4-5-thinking',
      messages: [user('Say hello in French')],
      top_p: 0.5,
      temperature: 0.3,
    });
    expect(completion.choices[0].message.content).toBe('Bonjour.');
    expect(completion.model).toBe('claude-sonnet-4-5-thinking');
    expect(g.assist.calls()).toHaveLength(0);
    const [call] = g.antigravity.calls();
    expect(call).toMatchObject({ route: 'generate', model: 'claude-sonnet-4-5' });
    expect(call.userAgent).toMatch(/^antigravity\//);
    // Token and project always come from the same credential.
    const credential = g.agCredentials.find((c) => c.token === call.token)!;
    expect(call.project).toBe(credential.project);
    expect(call.envelope).toMatchObject({ userAgent: 'antigravity' });
    expect(call.envelope.requestId).toMatch(/^req-/);
    const sent = requestOf(call);
    expect(typeof sent.session_id).toBe('string');
    expect(sent.safetySettings).toBeUndefined();
    expect(sent.generationConfig).toEqual({
      temperature: 0.3,
      thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
    });
  });

  it('streams chat completions from antigravity', async () => {
    g.antigravity.script(streamReply(['One, ', 'two.']));
    const stream = await openai.chat.completions.create({
      model: 'gemini-2.5-flash',
      stream: true,
      messages: [user('Count')],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('One, two.');
    expect(g.antigravity.calls().map((c) => c.route)).toEqual(['stream']);
  });

  it('lists the live models with the added variants, reusing the list for a while', async () => {
    const ids = (await openai.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'gemini-2.5-flash',
        'claude-sonnet-4-5-thinking',
        'claude-opus-4-5',
        'gemini-3-pro-image',
        'gemini-3-pro-image-16x9',
        'gemini-3-pro-image-9x16-4k',
        '流式抗截断/gemini-3-pro-high',
      ]),
    );
    const gemini = await genai.models.list();
    const names: string[] = [];
    for await (const model of gemini) names.push(model.name ?? '');
    expect(names).toContain('models/gemini-2.5-flash');
    expect(g.antigravity.modelListCalls()).toHaveLength(1);
    expect(g.agCredentials.map((c) => c.token)).toContain(g.antigravity.modelListCalls()[0]);
  });

  it('serves the Gemini API from antigravity, streaming or not', async () => {
    g.antigravity.script(textReply('Native.'));
    const response = await genai.models.generateContent({
      model: 'gemini-3-pro-high',
      contents: 'hi',
    });
    expect(response.text).toBe('Native.');
    g.antigravity.script(streamReply(['a', 'b']));
    const stream = await genai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'hi',
    });
    const texts: string[] = [];
    for await (const chunk of stream) texts.push(chunk.text ?? '');
    expect(texts).toEqual(['a', 'b']);
    expect(g.antigravity.calls().map((c) => [c.route, c.model])).toEqual([
      ['generate', 'gemini-3-pro-high'],
      ['stream', 'gemini-2.5-flash'],
    ]);
  });

  it('generates images with the aspect ratio and size of the model suffix', async () => {
    const png = Buffer.from('png-bytes').toString('base64');
    g.antigravity.script(imageReply('image/png', png, 'Here it is.'));
    const response = await genai.models.generateContent({
      model: 'gemini-3-pro-image-16x9-2k',
      contents: 'A cat',
      config: { systemInstruction: 'Be creative.' },
    });
    const parts = response.candidates?.[0].content?.parts ?? [];
    expect(parts[1]?.inlineData).toEqual({ mimeType: 'image/png', data: png });
    const [call] = g.antigravity.calls();
    expect(call.model).toBe('gemini-3-pro-image');
    expect(call.envelope.requestType).toBe('image_gen');
    expect(requestOf(call).generationConfig?.imageConfig).toEqual({
      aspectRatio: '16:9',
      imageSize: '2K',
    });
    g.antigravity.script(imageReply('image/png', png));
    const completion = await openai.chat.completions.create({
      model: 'gemini-3-pro-image',
      messages: [user('A dog')],
    });
    expect(completion.choices[0].message.content).toBe(`![image](data:image/png;base64,${png})`);
  });

  it('serves Anthropic Messages from antigravity, dated Claude names included', async () => {
    const anthropic = new Anthropic({
      apiKey: API_KEY,
      baseURL: `${g.app.url}/antigravity`,
      maxRetries: 0,
    });
    g.antigravity.script(textReply('Claude here.'));
    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 100,
      messages: [user('Who are you?')],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Claude here.' }]);
    expect(g.antigravity.calls()[0].model).toBe('claude-sonnet-4-5');
    const counted = await anthropic.messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: [user('a'.repeat(40))],
    });
    expect(counted.input_tokens).toBe(10);
  });

  it('cools a credential down for the exact model after a 429 and retries with another', async () => {
    g.antigravity.script(quotaExceeded(60), textReply('From the other one.'));
    try {
      const completion = await openai.chat.completions.create({
        model: 'claude-sonnet-4-5',
        messages: [user('hi')],
      });
      expect(completion.choices[0].message.content).toBe('From the other one.');
      const [first, second] = g.antigravity.calls();
      expect(second.token).not.toBe(first.token);
      const name = g.agCredentials.find((c) => c.token === first.token)!.name;
      const state = await g.app.storage.getState('antigravity', name);
      expect(Object.keys(state!.modelCooldowns)).toEqual(['claude-sonnet-4-5']);
    } finally {
      await g.clearCooldowns('antigravity', 'claude-sonnet-4-5');
    }
  });

  it('auto-bans an antigravity credential by the ag_ settings', async () => {
    await g.configure({ ag_auto_ban_enabled: true, ag_auto_ban_error_codes: [403] });
    g.antigravity.script(googleError(403, 'The caller does not have permission'), textReply('ok'));
    try {
      await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [user('hi')] });
      const banned = g.agCredentials.find((c) => c.token === g.antigravity.calls()[0].token)!;
      expect((await g.app.storage.getState('antigravity', banned.name))!.disabled).toBe(true);
      const geminiCli = await g.app.storage.getState('geminicli', g.credentials[0].name);
      expect(geminiCli!.disabled).toBe(false);
      await g.app.storage.updateState('antigravity', banned.name, { disabled: false });
    } finally {
      await g.configure({ ag_auto_ban_enabled: null, ag_auto_ban_error_codes: null });
      await sleep(1200);
    }
  });

  it("shows a credential's quota per model to the panel", async () => {
    const url = `${g.app.url}/antigravity/creds/quota/${g.agCredentials[1].name}`;
    const response = await fetch(url, { headers: g.app.auth });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { models: Record<string, unknown> };
    expect(body).toMatchObject({ success: true, filename: g.agCredentials[1].name });
    expect(body.models['gemini-3-pro-high']).toEqual({
      remaining: 0.5,
      resetTime: '2026-12-01T05:00:00Z',
    });
    expect(body.models['claude-sonnet-4-5']).toEqual({ remaining: 0.25, resetTime: null });
    expect(g.antigravity.modelListCalls()).toEqual([g.agCredentials[1].token]);
    const missing = await fetch(`${g.app.url}/antigravity/creds/quota/nope.json`, {
      headers: g.app.auth,
    });
    expect(missing.status).toBe(404);
    expect((await fetch(url)).status).toBe(401);
  });

  it('answers 503 naming antigravity when no antigravity credential is usable', async () => {
    for (const c of g.agCredentials) {
      await g.app.storage.updateState('antigravity', c.name, { disabled: true });
    }
    try {
      await sleep(1200);
      const error = await openai.chat.completions
        .create({ model: 'gemini-2.5-flash', messages: [user('hi')] })
        .catch((err: unknown) => err);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      expect((error as Error).message).toMatch(/every antigravity credential/);
    } finally {
      for (const c of g.agCredentials) {
        await g.app.storage.updateState('antigravity', c.name, { disabled: false });
      }
      await sleep(1200);
    }
  });
});
