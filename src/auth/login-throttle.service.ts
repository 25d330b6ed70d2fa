import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { sha256Hex } from './secrets';

/** Whether a login attempt may be evaluated; when not, how long the caller should wait. */
export type ThrottleDecision =
  { readonly allowed: true; readonly attempt: number } | { readonly allowed: false; readonly retryAfterS: number };

/**
 * One atomic step per attempt, before the password is checked: refuse when any counter is at its limit,
 * otherwise count the attempt in all three (and start their windows). So however many attempts arrive
 * together, at most the limit is ever evaluated per window. Returns {1, pair count} or {0, ms to wait}.
 * KEYS: pair (account, address), account, address. ARGV: pair limit, account limit, address limit, window s.
 */
const RESERVE = `
local blocked = 0
for i = 1, 3 do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= tonumber(ARGV[i]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl > blocked then blocked = ttl end
    if ttl < 0 then blocked = math.max(blocked, tonumber(ARGV[4]) * 1000) end
  end
end
if blocked > 0 then return {0, blocked} end
local pair = 0
for i = 1, 3 do
  local count = redis.call('INCR', KEYS[i])
  if redis.call('PTTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], ARGV[4]) end
  if i == 1 then pair = count end
end
return {1, pair}
`;

/** Gives back a reserved attempt that turned out to be a success (it is not a failure). */
const RELEASE = `
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

/**
 * Login attempts per (account, client address), per account (a ceiling over all addresses) and per
 * client address (password spraying), in Redis: shared by every replica and atomic under concurrency.
 * Fixed windows of LOGIN_WINDOW_S from the first attempt. A wrong guess by someone elsewhere locks
 * only that address out of the account; the owner keeps logging in until the per-account ceiling.
 */
@Injectable()
export class LoginThrottle implements OnModuleDestroy {
  private readonly logger = new Logger('LoginThrottle');
  private client: Redis | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private redis(): Redis {
    if (!this.client) {
      this.client = new Redis(this.config.redis.url, {
        maxRetriesPerRequest: 2,
        enableReadyCheck: true,
        lazyConnect: false,
      });
      // Without a listener ioredis prints "[ioredis] Unhandled error event" to stderr, outside the JSON log.
      this.client.on('error', (error: Error) =>
        this.logger.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'redis error'),
      );
    }
    return this.client;
  }

  private keys(accountKey: string, ip: string): [string, string, string] {
    const prefix = `${this.config.queue.prefix}:auth:login-attempts`;
    const address = sha256Hex(ip).slice(0, 32);
    return [`${prefix}:pair:${accountKey}:${address}`, `${prefix}:account:${accountKey}`, `${prefix}:ip:${address}`];
  }

  /** Counts this attempt, or refuses it: call before the password is checked. */
  async reserve(accountKey: string, ip: string): Promise<ThrottleDecision> {
    const limits = this.config.auth.login;
    const [allowed, value] = (await this.redis().eval(
      RESERVE,
      3,
      ...this.keys(accountKey, ip),
      limits.maxFailuresPerAccountAddress,
      limits.maxFailuresPerAccount,
      limits.maxFailuresPerIp,
      limits.windowS,
    )) as [number, number];
    return allowed === 1
      ? { allowed: true, attempt: value }
      : { allowed: false, retryAfterS: Math.max(1, Math.ceil(value / 1000)) };
  }

  /** The delay a failed answer waits: doubles with each attempt from this address, capped at 3 s. */
  failureDelayMs(attempt: number): number {
    const base = this.config.auth.login.failureDelayMs;
    return base === 0 ? 0 : Math.min(3000, base * 2 ** Math.min(Math.max(attempt, 1) - 1, 10));
  }

  /** The attempt was right: it does not count as a failure. */
  async succeed(accountKey: string, ip: string): Promise<void> {
    await this.redis().eval(RELEASE, 3, ...this.keys(accountKey, ip));
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.client) return;
    // A client that never connected (or lost Redis) would keep reconnecting: drop it instead of QUIT.
    if (this.client.status !== 'ready') this.client.disconnect();
    else await this.client.quit().catch(() => this.client?.disconnect());
  }
}
