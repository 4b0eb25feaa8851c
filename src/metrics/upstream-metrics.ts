import type { Namespace } from '../storage/storage-backend.interface';
import type { RequestContext, TokenUsage } from '../observability/request-context';
import { gatewayMetrics, modelLabel } from './gateway-metrics';

/** One upstream attempt of a model call, as the model caller saw it. */
export interface UpstreamAttempt {
  /** The credential pool the attempt drew from (Gemini CLI or antigravity). */
  ns: Namespace;
  model: string;
  /** The credential's name: goes to the request's access log line, never to a metric label. */
  credential: string;
  /** Whether this attempt followed a failed one of the same call. */
  retry: boolean;
  /** `performance.now()` when the attempt started. */
  startedAt: number;
  /** `success`, or the status the attempt failed with (502/504 for network errors). */
  outcome: 'success' | number;
  /** The client request the attempt serves, whose access line and usage it joins. */
  context?: RequestContext;
}

/** Records an upstream attempt in the metrics, its request's context and its usage. */
export function noteUpstreamAttempt(attempt: UpstreamAttempt): void {
  const model = modelLabel(attempt.model);
  const outcome = String(attempt.outcome);
  gatewayMetrics.upstreamAttempts.inc({ model, outcome });
  gatewayMetrics.upstreamDuration.observe(
    { model, outcome },
    (performance.now() - attempt.startedAt) / 1000,
  );
  if (attempt.retry) gatewayMetrics.upstreamRetries.inc({ model });
  const request = attempt.context;
  if (request) {
    request.model = attempt.model;
    request.credential = attempt.credential;
    request.attempts += 1;
    request.namespace = attempt.ns;
    request.usage?.attempt(attempt.ns, attempt.credential, attempt.model, attempt.outcome);
  }
}

/** Keeps the token counts of Google's `usageMetadata` (when present) for `request`'s log line. */
export function noteUsage(answer: unknown, request: RequestContext | undefined): void {
  const usage = (answer as { usageMetadata?: Record<string, unknown> } | undefined)?.usageMetadata;
  if (!request || !usage || typeof usage !== 'object') return;
  const count = (key: string) => (typeof usage[key] === 'number' ? (usage[key] as number) : 0);
  const tokens: TokenUsage = {
    input: count('promptTokenCount'),
    output: count('candidatesTokenCount'),
    thinking: count('thoughtsTokenCount'),
  };
  request.tokens = tokens;
}
