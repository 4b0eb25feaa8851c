/**
 * Small request bodies that make a naive gateway do huge amounts of work: shared by the e2e tests
 * and `bench/hostile-input.ts`, so the figures in the bench are those of the tested requests.
 */

/**
 * A JSON schema of about 110 bytes per level whose `$defs` refer to the next level twice, so that
 * inlining every `$ref` yields 2^levels nodes (23 levels: 2.5 KB in, 8 million nodes out).
 */
export function refBombSchema(levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) {
    const next = { $ref: `#/$defs/d${i + 1}` };
    defs[`d${i}`] = { type: 'object', properties: { a: next, b: next } };
  }
  defs[`d${levels}`] = { type: 'string' };
  return { type: 'object', properties: { root: { $ref: '#/$defs/d0' } }, $defs: defs };
}

/** `levels` arrays nested in one another around a 0: `[[[0]]]` for 3. */
export function nestedArrays(levels: number): string {
  return `${'['.repeat(levels)}0${']'.repeat(levels)}`;
}

/**
 * A schema whose `properties` nest `levels` deep, as JSON text (built as an object and
 * stringified, it would overflow the stack in the test itself).
 */
export function nestedSchemaText(levels: number): string {
  const open = '{"type":"object","properties":{"a":';
  return `${open.repeat(levels)}{"type":"string"}${'}}'.repeat(levels)}`;
}

/** An OpenAI chat body whose one tool has `parameters` given as JSON text. */
export function chatWithToolParameters(parametersJson: string): string {
  return (
    '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}],' +
    `"tools":[{"type":"function","function":{"name":"f","parameters":${parametersJson}}}]}`
  );
}

/** An OpenAI chat body asking for JSON output in the schema given as JSON text. */
export function chatWithResponseSchema(schemaJson: string): string {
  return (
    '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}],' +
    `"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":${schemaJson}}}}`
  );
}

/** A Gemini-native body whose one part carries `value` (JSON text) as function response. */
export function geminiWithPartValue(valueJson: string): string {
  return (
    '{"contents":[{"role":"user","parts":[{"functionResponse":{"name":"f","response":' +
    `{"v":${valueJson}}}}]}]}`
  );
}
