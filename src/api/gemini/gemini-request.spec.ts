import { ApiInputError } from './api-input.errors';
import {
  DEFAULT_SAFETY_SETTINGS,
  estimateTokens,
  prepareNativeRequest,
  withoutThoughts,
} from './gemini-request';

const contents = [{ role: 'user', parts: [{ text: 'hi' }] }];

describe('prepareNativeRequest', () => {
  it.each([
    [null, 'body: must be a JSON object'],
    [[], 'body: must be a JSON object'],
    [{}, 'contents: must be a non-empty array'],
    [{ contents: [] }, 'contents: must be a non-empty array'],
    [{ contents: 'hi' }, 'contents: must be a non-empty array'],
    [{ contents: [{ role: 'user' }] }, 'contents.0.parts: must be an array'],
    [{ contents, generationConfig: 3 }, 'generationConfig: must be an object'],
    [{ contents, tools: { googleSearch: {} } }, 'tools: must be an array'],
    [{ contents, tools: [null] }, 'tools.0: must be an object'],
    [{ contents, safetySettings: {} }, 'safetySettings: must be an array'],
    [{ contents, safetySettings: [{}] }, 'safetySettings.0: must be an object with a category'],
    [
      { contents, generationConfig: { candidateCount: 1_000_000 } },
      'generationConfig.candidateCount: must be between 1 and 8',
    ],
    [
      { contents, generationConfig: { candidate_count: 0 } },
      'generationConfig.candidate_count: must be between 1 and 8',
    ],
    [
      { contents, generationConfig: { candidateCount: 2.5 } },
      'generationConfig.candidateCount: must be between 1 and 8',
    ],
  ])('answers %j with a 400 naming the field', (body, message) => {
    expect(() => prepareNativeRequest(body)).toThrow(new ApiInputError(message));
  });

  it('caps maxOutputTokens at 65535 and topK at 64', () => {
    const request = prepareNativeRequest({
      contents,
      generationConfig: { maxOutputTokens: 100_000, topK: 100, temperature: 0.3 },
    });
    expect(request.generationConfig).toEqual({
      maxOutputTokens: 65535,
      topK: 64,
      temperature: 0.3,
    });
  });

  it('keeps limits that are already within range', () => {
    const request = prepareNativeRequest({
      contents,
      generationConfig: { maxOutputTokens: 1000, topK: 10, candidateCount: 8 },
    });
    expect(request.generationConfig).toEqual({
      maxOutputTokens: 1000,
      topK: 10,
      candidateCount: 8,
    });
  });

  it('turns every filter off by default', () => {
    expect(prepareNativeRequest({ contents }).safetySettings).toEqual(DEFAULT_SAFETY_SETTINGS);
    expect(DEFAULT_SAFETY_SETTINGS.map((s) => s.category)).toEqual([
      'HARM_CATEGORY_HARASSMENT',
      'HARM_CATEGORY_HATE_SPEECH',
      'HARM_CATEGORY_SEXUALLY_EXPLICIT',
      'HARM_CATEGORY_DANGEROUS_CONTENT',
      'HARM_CATEGORY_CIVIC_INTEGRITY',
    ]);
  });

  it("lets the client's threshold win for its categories", () => {
    const request = prepareNativeRequest({
      contents,
      safetySettings: [
        { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_LOW_AND_ABOVE' },
        { category: 'HARM_CATEGORY_IMAGE_HATE', threshold: 'BLOCK_NONE' },
      ],
    });
    expect(request.safetySettings).toHaveLength(6);
    expect(request.safetySettings?.[0]).toEqual({
      category: 'HARM_CATEGORY_HARASSMENT',
      threshold: 'BLOCK_LOW_AND_ABOVE',
    });
    expect(request.safetySettings?.[5].category).toBe('HARM_CATEGORY_IMAGE_HATE');
  });

  it('takes tools: null as no tools', () => {
    expect(() => prepareNativeRequest({ contents, tools: null })).not.toThrow();
  });

  it('drops the model field and passes other fields through', () => {
    const tools = [{ functionDeclarations: [{ name: 'f' }] }];
    const request = prepareNativeRequest({
      model: 'gemini-2.5-pro',
      contents,
      tools,
      cachedContent: 'x',
    });
    expect(request).not.toHaveProperty('model');
    expect(request.tools).toEqual(tools);
    expect(request.cachedContent).toBe('x');
  });

  it('accepts snake_case top-level fields and sends them in camelCase', () => {
    const request = prepareNativeRequest({
      contents,
      system_instruction: { parts: [{ text: 'be brief' }] },
      generation_config: { maxOutputTokens: 70_000 },
    });
    expect(request.systemInstruction).toEqual({ parts: [{ text: 'be brief' }] });
    expect(request.generationConfig).toEqual({ maxOutputTokens: 65535 });
    expect(request).not.toHaveProperty('generation_config');
  });

  it('never changes the body it was given', () => {
    const body = { contents, generationConfig: { maxOutputTokens: 100_000 } };
    prepareNativeRequest(body);
    expect(body.generationConfig.maxOutputTokens).toBe(100_000);
  });
});

describe('withoutThoughts', () => {
  it('drops thought parts and keeps the rest of each candidate', () => {
    const response = {
      candidates: [
        {
          index: 0,
          finishReason: 'STOP',
          content: {
            role: 'model',
            parts: [
              { text: 'hmm', thought: true },
              { text: 'answer' },
              { functionCall: { name: 'f' } },
            ],
          },
        },
      ],
      usageMetadata: { totalTokenCount: 3 },
    };
    expect(withoutThoughts(response)).toEqual({
      candidates: [
        {
          index: 0,
          finishReason: 'STOP',
          content: { role: 'model', parts: [{ text: 'answer' }, { functionCall: { name: 'f' } }] },
        },
      ],
      usageMetadata: { totalTokenCount: 3 },
    });
    expect(response.candidates[0].content.parts).toHaveLength(3);
  });

  it('leaves a response without candidates alone', () => {
    const response = { usageMetadata: { totalTokenCount: 3 } };
    expect(withoutThoughts(response)).toBe(response);
  });
});

describe('estimateTokens', () => {
  it('counts a quarter of the characters per text part, rounded up, at least 1', () => {
    const body = {
      contents: [
        { role: 'user', parts: [{ text: 'abcdefghi' }, { text: '' }] },
        { role: 'model', parts: [{ text: 'abcd' }, { inlineData: { mimeType: 'x', data: 'y' } }] },
      ],
      systemInstruction: { parts: [{ text: 'ab' }] },
    };
    expect(estimateTokens(body)).toBe(3 + 1 + 1 + 1);
  });

  it('reads a wrapping generateContentRequest', () => {
    expect(
      estimateTokens({
        generateContentRequest: { contents: [{ parts: [{ text: 'x'.repeat(40) }] }] },
      }),
    ).toBe(10);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(estimateTokens({ contents: [{ parts: [{ text: '😀😀😀😀😀' }] }] })).toBe(2);
  });

  it('counts 0 for a body without text', () => {
    expect(estimateTokens(undefined)).toBe(0);
    expect(estimateTokens({ contents: [{ parts: [] }] })).toBe(0);
  });
});
