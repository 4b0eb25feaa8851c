import { randomBytes } from 'node:crypto';
import { serverUrl } from '../support/server-env';
import { describeTwoInstances } from './support/two-instances';

// The change feed on a cluster: each namespace counts its changes in its own slot.
describeTwoInstances('Redis Cluster', ['redis-cluster'], async () => ({
  env: {
    REDIS_URL: serverUrl('redis-cluster').url!,
    REDIS_KEY_PREFIX: `rotation:${randomBytes(4).toString('hex')}:`,
  },
}));
