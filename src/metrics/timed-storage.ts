import type { StorageBackend } from '../storage/storage-backend.interface';
import { type GatewayMetrics, gatewayMetrics } from './gateway-metrics';

/** Methods that are not storage operations worth a latency series. */
const UNTIMED = new Set(['constructor', 'connect', 'close']);

/** The names of the methods of `object`'s class chain (not Object's own). */
function methodNames(object: object): string[] {
  const names = new Set<string>();
  for (
    let proto: object | null = Object.getPrototypeOf(object);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (typeof descriptor?.value === 'function' && name !== 'constructor') names.add(name);
    }
  }
  return [...names];
}

/**
 * `storage` with every async operation timed into `gcli_storage_operation_duration_seconds`,
 * labelled by backend, operation name and outcome. Behaviour is unchanged: results and errors
 * pass through as they are, and other properties read through to `storage`.
 *
 * The methods are wrapped once, here, on an object whose prototype is `storage`: a Proxy would
 * run its trap on every property read of the hot path's storage calls. Each call looks its
 * method up on `storage` when it runs, so a test's spy set on the backend later is still called.
 */
export function timedStorage(
  storage: StorageBackend,
  metrics: GatewayMetrics = gatewayMetrics,
): StorageBackend {
  const target = storage as unknown as Record<string, (...args: unknown[]) => unknown>;
  const timed = Object.create(storage) as Record<string, unknown>;
  const histogram = metrics.storageDuration;
  for (const operation of methodNames(storage)) {
    if (UNTIMED.has(operation)) {
      timed[operation] = (...args: unknown[]) => target[operation](...args);
      continue;
    }
    timed[operation] = (...args: unknown[]) => {
      const started = performance.now();
      const result = target[operation](...args);
      if (!(result instanceof Promise)) return result;
      const observe = (outcome: 'ok' | 'error') =>
        histogram.observe(
          { backend: storage.kind, operation, outcome },
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
  }
  return timed as unknown as StorageBackend;
}
