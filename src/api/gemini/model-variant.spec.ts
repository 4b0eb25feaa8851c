import type { GeminiRequest } from './gemini.types';
import { applyVariant, parseModelVariant } from './model-variant';

const hello: GeminiRequest = { contents: [{ role: 'user', parts: [{ text: 'hello' }] }] };
const weatherTool = { functionDeclarations: [{ name: 'weather' }] };

describe('parseModelVariant', () => {
  it('reads prefixes and suffixes in any order, repeated', () => {
    expect(parseModelVariant('models/假流式/gemini-2.5-flash-search-nothinking-search')).toEqual({
      requested: 'models/假流式/gemini-2.5-flash-search-nothinking-search',
      base: 'gemini-2.5-flash',
      fakeStream: true,
      antiTruncation: false,
      thinking: 'none',
      search: true,
    });
  });

  it('leaves a plain model id with no thinking preference', () => {
    expect(parseModelVariant('gemini-2.5-pro')).toEqual({
      requested: 'gemini-2.5-pro',
      base: 'gemini-2.5-pro',
      fakeStream: false,
      antiTruncation: false,
      thinking: undefined,
      search: false,
    });
  });

  it('reads -maxthinking', () => {
    expect(parseModelVariant('gemini-3-pro-preview-maxthinking').thinking).toBe('max');
  });

  it('reads the anti-truncation prefix', () => {
    expect(parseModelVariant('models/流式抗截断/gemini-2.5-pro-search')).toMatchObject({
      base: 'gemini-2.5-pro',
      antiTruncation: true,
      fakeStream: false,
      search: true,
    });
  });

  it('rejects an id that is nothing but suffixes', () => {
    expect(() => parseModelVariant('-search')).toThrow('model: "-search" does not name a model');
  });
});

describe('applyVariant thinking', () => {
  it.each([
    ['gemini-2.5-flash-nothinking', { thinkingBudget: 128, includeThoughts: false }],
    ['gemini-2.5-pro-nothinking', { thinkingBudget: 128, includeThoughts: true }],
    ['gemini-2.5-flash-maxthinking', { thinkingBudget: 24576, includeThoughts: true }],
    ['gemini-3-flash-preview-maxthinking', { thinkingBudget: 24576, includeThoughts: true }],
    ['gemini-2.5-pro-maxthinking', { thinkingBudget: 32768, includeThoughts: true }],
    ['gemini-3-pro-preview-maxthinking', { thinkingBudget: 32768, includeThoughts: true }],
  ])('gives %s the thinking config %j', (model, thinkingConfig) => {
    for (const route of ['openai', 'native'] as const) {
      const request = applyVariant(hello, parseModelVariant(model), route);
      expect(request.generationConfig?.thinkingConfig).toEqual(thinkingConfig);
    }
  });

  it('adds no thinking config to a model without a thinking suffix', () => {
    const request = applyVariant(hello, parseModelVariant('gemini-2.5-pro'), 'native');
    expect(request.generationConfig).toBeUndefined();
  });

  it("keeps the client's thinking config over the suffix", () => {
    const client = { thinkingBudget: 1000, includeThoughts: false };
    const request = applyVariant(
      { ...hello, generationConfig: { temperature: 0.5, thinkingConfig: client } },
      parseModelVariant('gemini-2.5-pro-maxthinking'),
      'native',
    );
    expect(request.generationConfig).toEqual({ temperature: 0.5, thinkingConfig: client });
  });

  it('keeps other generation settings when it adds a budget', () => {
    const request = applyVariant(
      { ...hello, generationConfig: { temperature: 0.2 } },
      parseModelVariant('gemini-2.5-flash-nothinking'),
      'openai',
    );
    expect(request.generationConfig?.temperature).toBe(0.2);
  });

  it('never changes the request it was given', () => {
    const request: GeminiRequest = { ...hello, generationConfig: { temperature: 1 }, tools: [] };
    const copy = structuredClone(request);
    applyVariant(request, parseModelVariant('gemini-2.5-pro-maxthinking-search'), 'openai');
    expect(request).toEqual(copy);
  });
});

describe('applyVariant search', () => {
  const search = parseModelVariant('gemini-2.5-pro-search');

  it('adds Google Search on both routes', () => {
    expect(applyVariant(hello, search, 'native').tools).toEqual([{ googleSearch: {} }]);
    expect(applyVariant(hello, search, 'openai').tools).toEqual([{ googleSearch: {} }]);
  });

  it('does not add Google Search twice', () => {
    const request = { ...hello, tools: [{ googleSearch: {} }] };
    expect(applyVariant(request, search, 'native').tools).toHaveLength(1);
    expect(applyVariant(request, search, 'openai').tools).toHaveLength(1);
  });

  it('leaves a native request that declares functions without Google Search', () => {
    const request = { ...hello, tools: [weatherTool] };
    expect(applyVariant(request, search, 'native').tools).toEqual([weatherTool]);
  });

  it('appends Google Search to the functions of an OpenAI request', () => {
    const request = { ...hello, tools: [weatherTool] };
    expect(applyVariant(request, search, 'openai').tools).toEqual([
      weatherTool,
      { googleSearch: {} },
    ]);
  });

  it('adds no tool to a model without -search', () => {
    expect(
      applyVariant(hello, parseModelVariant('gemini-2.5-pro'), 'openai').tools,
    ).toBeUndefined();
  });
});
