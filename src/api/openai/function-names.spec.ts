import { parseChatRequest } from './chat-request.schema';
import { functionNameMap, geminiFunctionName } from './function-names';

const GEMINI_RULE = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

describe('geminiFunctionName', () => {
  it.each(['get_weather', '_private', 'a.b-c', 'x'.repeat(64)])(
    'keeps the valid name %s',
    (name) => {
      expect(geminiFunctionName(name)).toBe(name);
    },
  );

  it.each(['获取天气', 'my tool', '1st', '-x', 'x'.repeat(65), 'search@web', 'café'])(
    'turns %s into a name Gemini accepts',
    (name) => {
      expect(geminiFunctionName(name)).toMatch(GEMINI_RULE);
    },
  );

  it('is deterministic and keeps the readable part', () => {
    expect(geminiFunctionName('my tool')).toBe(geminiFunctionName('my tool'));
    expect(geminiFunctionName('my tool')).toMatch(/^my_tool_[0-9a-f]{8}$/);
  });

  it('keeps different names apart even when they sanitise alike', () => {
    expect(geminiFunctionName('获取天气')).not.toBe(geminiFunctionName('查询天气'));
    expect(geminiFunctionName('a b')).not.toBe(geminiFunctionName('a_b'));
  });
});

describe('functionNameMap', () => {
  it('maps every renamed function of a request back to its client name', () => {
    const chat = parseChatRequest({
      model: 'm',
      messages: [
        {
          role: 'assistant',
          tool_calls: [{ id: 'c', function: { name: '历史工具', arguments: '{}' } }],
        },
      ],
      tools: [
        { type: 'function', function: { name: '获取天气' } },
        { type: 'function', function: { name: 'plain' } },
      ],
      tool_choice: { type: 'function', function: { name: 'choice tool' } },
    });
    const map = functionNameMap(chat);
    expect(map.get(geminiFunctionName('获取天气'))).toBe('获取天气');
    expect(map.get(geminiFunctionName('历史工具'))).toBe('历史工具');
    expect(map.get(geminiFunctionName('choice tool'))).toBe('choice tool');
    expect(map.size).toBe(3);
  });
});
