import { describeRedisContract } from './redis-contract';

/** The whole contract on a real local 3-master cluster (test/support/redis-cluster-server.ts). */
describeRedisContract({
  name: 'valkey-cluster',
  urlVar: 'TEST_REDIS_CLUSTER_URL',
  unavailableVar: 'TEST_REDIS_CLUSTER_UNAVAILABLE',
  unreachableUrl: 'redis+cluster://default:hunter2@127.0.0.1:1?addr=127.0.0.1:2',
});
