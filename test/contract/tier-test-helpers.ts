/** What the tier's rule tests share: waiting, counting and holding back primary calls. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StorageBackend } from '../../src/storage/storage-backend.interface';
import type { OpenTier } from './tier-target';

/** Resolves once `check` holds, polling; fails after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export const cacheState = async (open: OpenTier) => (await open.cache.report()).state;

/** The primary, with its calls counted per method; still the real backend underneath. */
export function counted(backend: StorageBackend, calls: Map<string, number>): StorageBackend {
  return new Proxy(backend, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * A primary whose `method` waits, once `hold()` was called, until `release()`: `reached` resolves
 * when a call is held. `before` holds the call before the primary sees it (a write not yet
 * committed), else after it answered (a read that is done but not yet returned).
 */
export function gate(method: keyof StorageBackend, before = false) {
  let held: Promise<void> | undefined;
  let open!: () => void;
  let arrived!: () => void;
  const control = {
    reached: Promise.resolve(),
    hold() {
      held = new Promise((resolve) => (open = resolve));
      control.reached = new Promise((resolve) => (arrived = resolve));
    },
    release() {
      held = undefined;
      open();
    },
    wrap: (backend: StorageBackend): StorageBackend =>
      new Proxy(backend, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (property !== method || typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            const call = () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            const wait = held;
            if (!wait) return call();
            if (before) {
              arrived();
              await wait;
              return call();
            }
            const result = await call();
            arrived();
            await wait;
            return result;
          };
        },
      }),
  };
  return control;
}
