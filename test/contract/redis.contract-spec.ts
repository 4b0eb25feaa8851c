import { describeRedisContract } from './redis-contract';

describeRedisContract({
  name: 'valkey',
  urlVar: 'TEST_REDIS_URL',
  unavailableVar: 'TEST_REDIS_UNAVAILABLE',
  // Port 1 refuses connections: nothing listens there on a test machine.
  unreachableUrl: 'redis://default:hunter2@127.0.0.1:1',
});
