import { loadConfig } from './app-config';
import { ConfigError } from './config.schema';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.queue).toEqual({
      prefix: 'claims',
      concurrency: 2,
      attempts: 5,
      backoffMs: 1000,
      lockDurationMs: 30000,
      stalledIntervalMs: 30000,
      enqueueTimeoutMs: 2000,
    });
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer between 1 and 65535/],
    ['PORT', '70000', /PORT must be an integer/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be a URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error/],
    ['REDIS_URL', 'http://x', /REDIS_URL must be a URL \(redis: or rediss:\)/],
    ['MIGRATIONS_RUN', 'maybe', /MIGRATIONS_RUN must be true or false/],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('never echoes a secret value in the error', () => {
    const error = new ConfigError('JWT_SECRET', 'must be at least 32 characters', 'hunter2');
    expect(error.message).toContain('JWT_SECRET');
    expect(error.message).not.toContain('hunter2');
  });
});
