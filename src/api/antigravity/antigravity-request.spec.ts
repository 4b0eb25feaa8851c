import type { GeminiRequest } from '../gemini/gemini.types';
import { imageVariants, toAntigravityCall } from './antigravity-request';

const base: GeminiRequest = {
  contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
  systemInstruction: { parts: [{ text: 'sys' }] },
  safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
  generationConfig: { topP: 0.9, temperature: 0.5 },
  tools: [{ functionDeclarations: [{ name: 'f' }] }],
};

describe('toAntigravityCall', () => {
  it('renames models, drops dates, thinks for -thinking models and drops topP for Claude', () => {
    const sonnet = toAntigravityCall('claude-sonnet-4-5-thinking', base);
    expect(sonnet.model).toBe('claude-sonnet-4-5');
    expect(sonnet.request.generationConfig).toEqual({
      temperature: 0.5,
      thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
    });
    expect(sonnet.request.toolConfig).toEqual({ functionCallingConfig: { mode: 'VALIDATED' } });
    expect(sonnet.request.safetySettings).toBeUndefined();
    expect(toAntigravityCall('claude-opus-4-5', base).model).toBe('claude-opus-4-5-thinking');
    expect(toAntigravityCall('claude-sonnet-4-5-20250929', base).model).toBe('claude-sonnet-4-5');
    const flash = toAntigravityCall('gemini-2.5-flash', base);
    expect(flash.request.generationConfig).toEqual({ topP: 0.9, temperature: 0.5 });
  });

  it('thinks by default only when the answer may be longer than the 1024-token budget', () => {
    const limited = (maxOutputTokens: number) =>
      toAntigravityCall('claude-sonnet-4-5-thinking', {
        ...base,
        generationConfig: { maxOutputTokens },
      }).request.generationConfig;
    expect(limited(200)).toEqual({ maxOutputTokens: 200 });
    expect(limited(1024)).toEqual({ maxOutputTokens: 1024 });
    expect(limited(4096)).toEqual({
      maxOutputTokens: 4096,
      thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
    });
  });

  it('keeps the client thinking config and tool mode', () => {
    const own: GeminiRequest = {
      ...base,
      generationConfig: { thinkingConfig: { thinkingBudget: 64 } },
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    };
    const call = toAntigravityCall('gemini-2.5-flash-thinking', own);
    expect(call.request.generationConfig?.thinkingConfig).toEqual({ thinkingBudget: 64 });
    expect(call.request.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  it('serves image models from gemini-3-pro-image with the suffixes as image config', () => {
    const call = toAntigravityCall('gemini-3-pro-image-16x9-4k', base);
    expect(call.model).toBe('gemini-3-pro-image');
    expect(call.request.generationConfig?.imageConfig).toEqual({
      aspectRatio: '16:9',
      imageSize: '4K',
    });
    expect(call.request.systemInstruction).toBeUndefined();
    expect(call.request.tools).toBeUndefined();
    expect(toAntigravityCall('gemini-3-pro-image', base).request.generationConfig).toEqual({
      topP: 0.9,
      temperature: 0.5,
    });
    expect(imageVariants('gemini-3-pro-image')).toContain('gemini-3-pro-image-21x9-2k');
    expect(imageVariants('gemini-3-pro-image')).toHaveLength(6 + 2 + 12);
  });
});
