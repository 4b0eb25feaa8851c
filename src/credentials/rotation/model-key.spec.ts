import { baseModelName, modelKeyFor } from './model-key';

describe('modelKeyFor', () => {
  it.each([
    ['gemini-2.5-pro', 'pro'],
    ['gemini-2.5-flash', 'flash'],
    ['gemini-3-flash-preview-maxthinking-search', 'flash'],
    ['假流式/gemini-2.5-pro-search-nothinking', 'pro'],
    ['流式抗截断/gemini-3-pro-preview', 'pro'],
    ['models/gemini-2.5-flash', 'flash'],
  ])('groups the Gemini CLI model %s under %s', (model, key) => {
    expect(modelKeyFor('geminicli', model)).toBe(key);
  });

  it('keys antigravity cooldowns by the base model name', () => {
    expect(modelKeyFor('antigravity', 'claude-sonnet-4-5')).toBe('claude-sonnet-4-5');
    expect(modelKeyFor('antigravity', '假流式/gemini-3-pro-high-search')).toBe('gemini-3-pro-high');
  });

  it('strips suffixes in any order, repeatedly', () => {
    expect(baseModelName('gemini-2.5-pro-search-maxthinking-search')).toBe('gemini-2.5-pro');
  });
});
