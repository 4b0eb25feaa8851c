import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BASE_MODELS } from '../api/models/model-catalog';

/** Latency buckets in seconds: sub-millisecond storage calls up to minute-long model streams. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

const KNOWN_MODELS: ReadonlySet<string> = new Set(BASE_MODELS);

/**
 * A model name as a label value: one of the base models, else `other`. Clients choose model
 * names, so they must not be able to grow the number of series without bound.
 */
export const modelLabel = (model: string): string => (KNOWN_MODELS.has(model) ? model : 'other');

/**
 * The gateway's Prometheus metrics, in one registry of their own. Label values are bounded sets
 * (route templates, status codes, base models, namespaces, backends, outcomes); credential names
 * and secrets are never labels.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'gcli_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'gcli_http_request_duration_seconds',
    help: 'Time from request to the end of the response, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly upstreamAttempts = new Counter({
    name: 'gcli_upstream_attempts_total',
    help: 'Calls to Code Assist, one per credential tried, by model and outcome (success, an HTTP status, or network)',
    labelNames: ['model', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly upstreamRetries = new Counter({
    name: 'gcli_upstream_retries_total',
    help: 'Attempts after the first of one model call (another credential tried), by model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'gcli_upstream_attempt_duration_seconds',
    help: 'Time until Code Assist answered (a stream: until it opened), by model and outcome',
    labelNames: ['model', 'outcome'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly tokenRefreshes = new Counter({
    name: 'gcli_token_refreshes_total',
    help: 'OAuth access token refreshes, by outcome (success, temporary, permanent)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly poolCredentials = new Gauge({
    name: 'gcli_credentials',
    help: 'Credentials in the pool at scrape time, by namespace and state (total, enabled, disabled, cooling, problem)',
    labelNames: ['namespace', 'state'] as const,
    registers: [this.registry],
  });
  readonly storageDuration = new Histogram({
    name: 'gcli_storage_operation_duration_seconds',
    help: 'Storage operation time, by backend, operation and outcome (ok, error)',
    labelNames: ['backend', 'operation', 'outcome'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly storageUp = new Gauge({
    name: 'gcli_storage_up',
    help: '1 when the storage backend answered a ping at scrape time, else 0',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gcli_' });
  }
}

/**
 * The process's metrics. One instance for the process: the hooks in the storage wrapper, the
 * model caller and the token refresher record into it without being wired through modules.
 */
export const gatewayMetrics = new GatewayMetrics();
