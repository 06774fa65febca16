import Redis from 'ioredis';

/** Removes every key under a bench's own queue prefix (and nothing else); returns how many. */
export async function dropRedisPrefix(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let n = 0;
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      if ((keys as string[]).length) n += await redis.del(...(keys as string[]));
    }
  } catch {
    // Redis gone: nothing of ours to clean there.
  } finally {
    redis.disconnect();
  }
  return n;
}
