import { randomBytes } from 'node:crypto';
import { serverUrl } from '../support/server-env';
import { describeTwoInstances } from './support/two-instances';

describeTwoInstances('Redis', ['redis'], async () => ({
  env: {
    REDIS_URL: serverUrl('redis').url!,
    REDIS_KEY_PREFIX: `rotation:${randomBytes(4).toString('hex')}:`,
  },
}));
