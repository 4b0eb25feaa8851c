import { Logger } from '@nestjs/common';
import { redactUrl } from '../../common/redact-url';
import { REDIS_BACKEND_NAME } from '../backend-names';
import type { BackendCandidate } from '../select-backend';
import type { CacheTierOptions } from './cache-tier';
import type { TieredStorage } from './tiered-storage';

export type TierCacheOptions = Omit<CacheTierOptions, 'onStateChange'>;

/**
 * `primary` with a Valkey/Redis cache in front (STORAGE_CACHE=valkey). It keeps the primary's
 * kind and place in the priority list; the cache never decides whether the gateway starts.
 */
export function tieredCandidate(
  primary: BackendCandidate,
  cache: TierCacheOptions,
  cacheSecrets: readonly string[],
): BackendCandidate {
  const logger = new Logger('Storage');
  const label = `${REDIS_BACKEND_NAME} cache`;
  const target = redactUrl(cache.url);
  let created: TieredStorage | undefined;
  return {
    kind: primary.kind,
    label: `${primary.label} + ${label}`,
    target: primary.target,
    rules: primary.rules,
    secrets: [...primary.secrets, ...cacheSecrets],
    // The tier and its driver (ioredis) are loaded only when this candidate is tried.
    create: async () => {
      const [{ CacheTier }, { TieredStorage }] = await Promise.all([
        import('./cache-tier'),
        import('./tiered-storage'),
      ]);
      const backend = await primary.create();
      const tier = new CacheTier({
        ...cache,
        onStateChange: (state, reason) => {
          if (state === 'up')
            logger.log(`The ${label} at ${target} is up: reads are served from it`);
          if (state === 'down') {
            logger.warn(
              `The ${label} at ${target} is down (${reason}): serving from ${primary.label} alone; ` +
                'it is flushed before it serves again',
            );
          }
        },
      });
      created = new TieredStorage(backend, tier);
      return created;
    },
    cacheStatus: () => created?.cacheStatus,
  };
}
