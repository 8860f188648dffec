export { freePort } from './ports';
export { waitFor, type WaitForOptions } from './wait-for';
export { uniquePrefix, TEST_REDIS_URL } from './unique';
export { startProcess, type RunningProcess } from './processes';
export { startPrivateRedis, type PrivateRedis, type PrivateRedisOptions } from './redis-server';
export { startPrivateCluster, type PrivateCluster } from './redis-cluster';
export { startPrivateSentinelSet, type PrivateSentinelSet } from './redis-sentinel';
export { launchHeadlessChromium } from './chromium';
export { arbitraryOf, type JsonSchema } from './json-schema-arbitrary';
