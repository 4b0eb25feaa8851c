/**
 * What the observability layer adds to one model call, measured in this process without the
 * network: the request observer middleware (in-flight count, HTTP metrics, request id and
 * context), one upstream attempt noted (metrics, request context, usage buffer), the answer's
 * usage noted, and the access log line written (text and JSON) to a log file, against the same request and response objects with none of it.
 * Run with `npm run bench:observability`; the proxy bench (`bench:proxy`) shows the same end to
 * end, where on a shared machine its noise is larger than this cost.
 */
import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { GatewayLogger } from '../../src/common/gateway-logger';
import { LogFile } from '../../src/logs/log-file';
import type { IncomingMessage } from 'node:http';
import { InFlightRequests } from '../../src/lifecycle/in-flight-requests';
import { noteUpstreamAttempt, noteUsage } from '../../src/metrics/upstream-metrics';
import { requestContextOf } from '../../src/observability/request-context';
import { requestObserver } from '../../src/observability/request-observer.middleware';
import { UsageBuffer } from '../../src/usage/usage-buffer';
import { tempDir } from '../../test/support/temp-dir';
import { runBench } from '../run-bench';

const CALLS = Number(process.env.BENCH_CALLS ?? 50_000);
const ANSWER = {
  usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 5, thoughtsTokenCount: 3 },
};

type FakeResponse = EventEmitter & {
  headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string): void;
};

function fakeCall() {
  const req = Object.assign(new EventEmitter(), {
    method: 'POST',
    url: '/v1/chat/completions',
    headers: {},
    baseUrl: '',
    route: { path: '/v1/chat/completions' },
  }) as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), {
    headersSent: true,
    statusCode: 200,
    setHeader: () => undefined,
  }) as FakeResponse;
  return { req, res };
}

/** Nanoseconds per call of `body` over CALLS calls, after a warm-up of a tenth of that. */
function measure(body: () => void): number {
  for (let i = 0; i < CALLS / 10; i++) body();
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) body();
  return Number(process.hrtime.bigint() - started) / CALLS;
}

async function main() {
  const dir = tempDir('gcli-bench-obs-');
  const usage = new UsageBuffer();
  const observe = requestObserver(new InFlightRequests(), usage);

  const bare = () => {
    const { res } = fakeCall();
    res.emit('close');
  };
  const observed = () => {
    const { req, res } = fakeCall();
    observe(req, res as never, () => {
      const context = requestContextOf(res);
      noteUpstreamAttempt({
        ns: 'geminicli',
        model: 'gemini-2.5-pro',
        credential: 'cred-1.json',
        retry: false,
        startedAt: performance.now(),
        outcome: 'success',
        context,
      });
      noteUsage(ANSWER, context);
    });
    res.emit('close');
  };

  const rows: Array<[string, number]> = [];
  const base = measure(bare);
  for (const format of ['text', 'json'] as const) {
    const file = LogFile.at(`${dir.path}/log-${format}.txt`, 1024 ** 3);
    const logger = new GatewayLogger('info', file, format);
    Logger.overrideLogger(logger);
    // The lines go to the log file and stdout; stdout is silenced here so the bench prints alone.
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const cost = measure(observed) - base;
    process.stdout.write = write;
    rows.push([`metrics + request id + usage + access line (${format})`, cost]);
  }
  Logger.overrideLogger(new GatewayLogger('warn'));
  rows.push([
    'metrics + request id + usage, access line below LOG_LEVEL',
    measure(observed) - base,
  ]);
  usage.drain();

  console.log(`# observability cost per model call: Node ${process.version}, ${CALLS} calls\n`);
  console.log('| what | added per call (µs) |\n|---|---:|');
  for (const [what, ns] of rows) console.log(`| ${what} | ${(ns / 1000).toFixed(2)} |`);
  console.log('\nTarget (issue text): added p50 <= 0.1 ms = 100 µs per call.');
  dir.remove();
}

runBench(main);
