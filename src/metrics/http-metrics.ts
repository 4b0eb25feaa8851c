import type { IncomingMessage } from 'node:http';
import { type GatewayMetrics, gatewayMetrics } from './gateway-metrics';

type RoutedRequest = IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };

/**
 * The route template Express matched (`/v1beta/models/*model`), never the concrete path, so
 * the number of series stays bounded; `unmatched` for a 404 outside any route.
 */
export function routeTemplate(req: RoutedRequest): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

/** Counts and times one answered request by method, route template and status. */
export function recordHttpRequest(
  method: string,
  route: string,
  status: number | 'aborted',
  latencyMs: number,
  metrics: GatewayMetrics = gatewayMetrics,
): void {
  const labels = { method, route, status: String(status) };
  metrics.httpRequests.inc(labels);
  metrics.httpDuration.observe(labels, latencyMs / 1000);
}
