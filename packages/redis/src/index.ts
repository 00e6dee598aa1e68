/** @userkit/redis: a rate-limit store shared by every process through Redis. */
export { RedisRateLimitStore } from './redis-rate-limit-store';
export type { RedisEvalClient, RedisRateLimitStoreOptions } from './redis-rate-limit-store';
export { RedisChangeFeed } from './redis-change-feed';
export type { RedisChangeFeedOptions, RedisPubSubClient, RedisSubscriberClient } from './redis-change-feed';
