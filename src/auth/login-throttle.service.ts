import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { sha256Hex } from './secrets';

export interface ThrottleState {
  readonly blocked: boolean;
  readonly retryAfterS: number;
}

/**
 * Failed-login counters per account and per source IP, in Redis (shared by every replica, survive a
 * restart of one). Fixed window of LOGIN_WINDOW_S that starts at the first failure.
 */
@Injectable()
export class LoginThrottle implements OnModuleDestroy {
  private client: Redis | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private redis(): Redis {
    this.client ??= new Redis(this.config.redis.url, {
      maxRetriesPerRequest: 2,
      enableReadyCheck: true,
      lazyConnect: false,
    });
    return this.client;
  }

  private keys(accountKey: string, ip: string): { account: string; ip: string } {
    const prefix = `${this.config.queue.prefix}:auth:login-failures`;
    return { account: `${prefix}:account:${accountKey}`, ip: `${prefix}:ip:${sha256Hex(ip).slice(0, 32)}` };
  }

  async check(accountKey: string, ip: string): Promise<ThrottleState> {
    const keys = this.keys(accountKey, ip);
    const limits = this.config.auth.login;
    const result =
      (await this.redis().multi().get(keys.account).pttl(keys.account).get(keys.ip).pttl(keys.ip).exec()) ?? [];
    const [account, accountTtl, perIp, ipTtl] = result.map(([, value]) => value) as [
      string | null,
      number,
      string | null,
      number,
    ];
    const accountBlocked = Number(account ?? 0) >= limits.maxFailuresPerAccount;
    const ipBlocked = Number(perIp ?? 0) >= limits.maxFailuresPerIp;
    const ttls = [accountBlocked ? accountTtl : 0, ipBlocked ? ipTtl : 0].filter((ttl) => ttl > 0);
    return {
      blocked: accountBlocked || ipBlocked,
      retryAfterS: ttls.length ? Math.ceil(Math.max(...ttls) / 1000) : limits.windowS,
    };
  }

  /** Counts one failure; returns the delay the failed answer should wait (doubling, capped at 3 s). */
  async fail(accountKey: string, ip: string): Promise<number> {
    const keys = this.keys(accountKey, ip);
    const windowS = this.config.auth.login.windowS;
    const result =
      (await this.redis()
        .multi()
        .incr(keys.account)
        .expire(keys.account, windowS, 'NX')
        .incr(keys.ip)
        .expire(keys.ip, windowS, 'NX')
        .exec()) ?? [];
    const failures = Number(result[0]?.[1] ?? 1);
    const base = this.config.auth.login.failureDelayMs;
    return base === 0 ? 0 : Math.min(3000, base * 2 ** Math.min(failures - 1, 10));
  }

  async succeed(accountKey: string): Promise<void> {
    await this.redis().del(this.keys(accountKey, '').account);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.client) await this.client.quit().catch(() => this.client?.disconnect());
  }
}
