/**
 * The cost of the nesting check on the model routes' body reader: `nestsDeeperThan` against the
 * `toString` + `JSON.parse` every request already pays, on bodies shaped like real traffic (a
 * short chat, a long conversation, a large image, many tool schemas, numeric tool results,
 * escape-heavy text). Prints microseconds per body and the check's share of the parse. Run with
 * `npm run bench:json-depth`.
 */
import { randomBytes } from 'node:crypto';
import { nestsDeeperThan } from '../src/common/json-depth';
import { runBench } from './run-bench';

const LIMIT = 128;
const BYTES_PER_FIGURE = 40_000_000;

function microseconds(rounds: number, work: () => unknown): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) work();
  return Number(process.hrtime.bigint() - started) / rounds / 1e3;
}

function measure(label: string, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  const rounds = Math.max(5, Math.floor(BYTES_PER_FIGURE / bytes.length));
  const parse = () => JSON.parse(bytes.toString('utf8')) as unknown;
  const scan = () => nestsDeeperThan(bytes, LIMIT);
  microseconds(3, parse);
  microseconds(3, scan);
  const parseUs = microseconds(rounds, parse);
  const scanUs = microseconds(rounds, scan);
  const share = ((100 * scanUs) / parseUs).toFixed(1);
  console.log(
    `| ${label} | ${bytes.length} | ${parseUs.toFixed(1)} | ${scanUs.toFixed(1)} | ${share} % |`,
  );
}

const turn = (i: number) => ({
  role: i % 2 ? 'assistant' : 'user',
  content: 'The quick brown fox jumps over the lazy dog. '.repeat(50),
});
const param = { type: 'string', description: 'a parameter', enum: ['a', 'b', 'c'] };
const tool = (i: number) => ({
  type: 'function',
  function: {
    name: `tool_${i}`,
    description: 'Does one thing well.',
    parameters: {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 20 }, (_, j) => [`p${j}`, param])),
      required: ['p0'],
    },
  },
});

async function main() {
  console.log('| body | bytes | toString + JSON.parse (µs) | depth check (µs) | share |');
  console.log('|---|---|---|---|---|');
  measure('short chat', { model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'Hi' }] });
  measure('200-turn chat', {
    model: 'm',
    messages: Array.from({ length: 200 }, (_, i) => turn(i)),
  });
  const image = randomBytes(6_000_000).toString('base64');
  measure('8 MB image', {
    contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: image } }] }],
  });
  measure('100 tools × 20 parameters', {
    model: 'm',
    messages: [turn(0)],
    tools: Array.from({ length: 100 }, (_, i) => tool(i)),
  });
  const values = Array.from({ length: 100_000 }, (_, i) => [i, i * 1.5, { a: i }]);
  measure('numeric tool result', {
    contents: [{ parts: [{ functionResponse: { name: 'f', response: { values } } }] }],
  });
  measure('escape-heavy text', { messages: [{ content: 'say "hi" \\ '.repeat(100_000) }] });
}

runBench(main);
