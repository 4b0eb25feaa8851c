import type { StorageBackend } from '../storage/storage-backend.interface';
import { type GatewayMetrics, gatewayMetrics } from './gateway-metrics';

/** Methods that are not storage operations worth a latency series. */
const UNTIMED = new Set(['constructor', 'connect', 'close']);

/**
 * `storage` with every async operation timed into `gcli_storage_operation_duration_seconds`,
 * labelled by backend, operation name and outcome. Behaviour is unchanged: results and errors
 * pass through as they are.
 */
export function timedStorage(
  storage: StorageBackend,
  metrics: GatewayMetrics = gatewayMetrics,
): StorageBackend {
  const timers = new Map<PropertyKey, unknown>();
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      // Own properties (a test's spy, say) pass as they are: only the backend's methods are timed.
      const own = Object.prototype.hasOwnProperty.call(target, property);
      if (
        typeof value !== 'function' ||
        typeof property !== 'string' ||
        UNTIMED.has(property) ||
        own
      ) {
        return value;
      }
      let timed = timers.get(property);
      if (!timed) {
        const method = value as (...args: unknown[]) => unknown;
        const histogram = metrics.storageDuration;
        timed = function (this: unknown, ...args: unknown[]) {
          const started = performance.now();
          const result = method.apply(target, args);
          if (!(result instanceof Promise)) return result;
          const observe = (outcome: 'ok' | 'error') =>
            histogram.observe(
              { backend: target.kind, operation: property, outcome },
              (performance.now() - started) / 1000,
            );
          return result.then(
            (answer: unknown) => {
              observe('ok');
              return answer;
            },
            (err: unknown) => {
              observe('error');
              throw err;
            },
          );
        };
        timers.set(property, timed);
      }
      return timed;
    },
  });
}
