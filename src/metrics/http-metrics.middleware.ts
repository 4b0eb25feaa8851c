import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** Express middleware counting and timing every request by method, route template and status. */
export function httpMetricsMiddleware(metrics: GatewayMetrics = gatewayMetrics) {
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const started = performance.now();
    res.once('close', () => {
      const labels = {
        method: req.method ?? 'GET',
        route: routeTemplate(req),
        // A response cut before its headers went out never had a status the client saw.
        status: res.headersSent ? String(res.statusCode) : 'aborted',
      };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  };
}
