import { Pool } from 'undici';

/** One kind of request the bench sends, back to back. */
export interface Target {
  /** `http://host:port` of the server. */
  origin: string;
  /** Path with query. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Text a correct answer contains (checked once per target, not on every request). */
  expect: string;
}

/** What one timed run produced. */
export interface Sample {
  requests: number;
  errors: number;
  seconds: number;
  /** Latency of every request that answered 200, whole body read, in milliseconds. */
  latenciesMs: number[];
  /** The first failure, for the report. */
  firstError?: string;
}

/** Figures over one or more samples. */
export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  firstError?: string;
}

/** A keep-alive pool of `connections` connections to `origin`. */
export function openPool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 60_000,
  });
}

function send(pool: Pool, target: Target) {
  return pool.request({
    method: 'POST',
    path: target.path,
    headers: target.headers,
    body: target.body,
  });
}

/** Sends one request and fails unless it answers 200 with the expected content. */
export async function check(pool: Pool, target: Target): Promise<void> {
  const { statusCode, body } = await send(pool, target);
  const text = await body.text();
  if (statusCode !== 200 || !text.includes(target.expect)) {
    throw new Error(
      `${target.origin}${target.path} answered ${statusCode}, not "${target.expect}": ` +
        text.slice(0, 500),
    );
  }
}

/**
 * `concurrency` workers send requests back to back for `ms` milliseconds; each request's latency
 * runs from sending to the end of the answer's body. Requests still in flight at the deadline
 * finish and count.
 */
export async function run(
  pool: Pool,
  target: Target,
  concurrency: number,
  ms: number,
): Promise<Sample> {
  const sample: Sample = { requests: 0, errors: 0, seconds: 0, latenciesMs: [] };
  const started = performance.now();
  const until = started + ms;
  const worker = async () => {
    while (performance.now() < until) {
      const sent = process.hrtime.bigint();
      try {
        const { statusCode, body } = await send(pool, target);
        const bytes = await body.arrayBuffer();
        if (statusCode !== 200) {
          const text = Buffer.from(bytes).toString('utf8').slice(0, 300);
          throw new Error(`status ${statusCode}: ${text}`);
        }
        sample.latenciesMs.push(Number(process.hrtime.bigint() - sent) / 1e6);
      } catch (err) {
        sample.errors++;
        sample.firstError ??= (err as Error).message;
      }
      sample.requests++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  sample.seconds = (performance.now() - started) / 1000;
  return sample;
}

/**
 * Pools samples: requests per second is all successful requests over all the time; the
 * percentiles (nearest rank) are over all latencies together.
 */
export function summarize(samples: Sample[]): Figures {
  const latencies = Float64Array.from(samples.flatMap((s) => s.latenciesMs)).sort();
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const rank = (p: number) => latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)] ?? NaN;
  return {
    rps: latencies.length / seconds,
    p50: rank(0.5),
    p99: rank(0.99),
    requests: samples.reduce((sum, s) => sum + s.requests, 0),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    firstError: samples.find((s) => s.firstError)?.firstError,
  };
}
