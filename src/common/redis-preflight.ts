import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';

const DEFAULT_LOCAL = new Set([
  'redis://127.0.0.1:6379',
  'redis://localhost:6379',
  'redis://127.0.0.1:6379/',
  'redis://localhost:6379/',
]);

export class RedisUnavailableError extends Error {}

/** Whether a Redis at `url` answers PING within `timeoutMs` (one attempt, no retries, nothing queued). */
export async function redisAnswers(url: string, timeoutMs: number): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * Makes sure Redis answers before anything else starts. For a one-machine run with the default URL,
 * a `redis-server` on the PATH is started as a child process (ephemeral, no persistence); otherwise
 * the error says how to get one.
 */
export async function ensureRedis(
  config: AppConfig,
  options: { allowAutostart: boolean },
): Promise<ChildProcess | undefined> {
  if (await redisAnswers(config.redis.url, 2000)) return undefined;
  const canAutostart =
    options.allowAutostart && config.redis.autostart && DEFAULT_LOCAL.has(config.redis.url) && hasRedisServer();
  if (canAutostart) {
    const child = spawn('redis-server', ['--port', '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    process.once('exit', () => child.kill('SIGTERM'));
    for (let attempt = 0; attempt < 50; attempt += 1) {
      if (await redisAnswers(config.redis.url, 500)) return child;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGTERM');
  }
  throw new RedisUnavailableError(
    `Redis is not reachable at ${redactUrl(config.redis.url)}: start one (e.g. \`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\`) or set REDIS_URL`,
  );
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}
