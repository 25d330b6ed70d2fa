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

describe('audit verifier and witness keys', () => {
  // Real keys: base64(0x01 ‖ 32 bytes) and base64(0x04 ‖ 32 bytes) are 44 characters, no padding.
  const logKey = 'claims-evidence.local/audit+e71a4bbe+AR4I9CZHZ6qYa03Hr7jjHEttl3P4ob9+YbivclQ1gUHj';
  const witnessKey = 'w.smoke+7cd01653+BOg4dFZnGgVX3txmaaKj5PSI0vZMu24YI1XCyoGoqIPA';

  it('accepts C2SP verifier keys of the right algorithm, comma-separated', () => {
    const config = loadConfig({
      AUDIT_PREVIOUS_VERIFIER_KEYS: `${logKey}, ${logKey}`,
      AUDIT_WITNESS_KEYS: witnessKey,
      AUDIT_WITNESS_URLS: 'http://127.0.0.1:7380, https://witness.example',
    });
    expect(config.audit.previousVerifierKeys).toEqual([logKey, logKey]);
    expect(config.audit.witnessKeys).toEqual([witnessKey]);
    expect(config.audit.witnessUrls).toEqual(['http://127.0.0.1:7380', 'https://witness.example']);
  });

  it('refuses a key of the other algorithm and a URL that is not http(s)', () => {
    expect(() => loadConfig({ AUDIT_PREVIOUS_VERIFIER_KEYS: witnessKey })).toThrow(ConfigError);
    expect(() => loadConfig({ AUDIT_WITNESS_KEYS: logKey })).toThrow(ConfigError);
    expect(() => loadConfig({ AUDIT_WITNESS_URLS: 'ftp://witness.example' })).toThrow(ConfigError);
  });
});
