import { generateKeyPairSync } from 'node:crypto';
import { formatVerifierKey, rawPublicKey } from '../audit/signed-note';
import { loadWitnessConfig } from './witness-config';

const logKey = formatVerifierKey('log.test', rawPublicKey(generateKeyPairSync('ed25519').privateKey));

describe('witness configuration', () => {
  it('reads environment variables, flags overriding them', () => {
    const config = loadWitnessConfig(['--interval-ms', '5000', '--port=0'], {
      WITNESS_LOG_URL: 'http://127.0.0.1:3000',
      WITNESS_LOG_ORIGIN: 'log.test',
      WITNESS_LOG_KEYS: logKey,
      WITNESS_NAME: 'w.test',
      WITNESS_INTERVAL_MS: '1000',
    });
    expect(config).toMatchObject({
      logUrl: 'http://127.0.0.1:3000',
      origin: 'log.test',
      name: 'w.test',
      intervalMs: 5000,
      port: 0,
      host: '127.0.0.1',
      stateFile: 'witness-data/witness-state.json',
    });
    expect(config.logKeys[0].name).toBe('log.test');
  });

  it('names what is missing or wrong', () => {
    const env = { WITNESS_LOG_URL: 'http://127.0.0.1:3000', WITNESS_LOG_ORIGIN: 'log.test', WITNESS_NAME: 'w' };
    expect(() => loadWitnessConfig([], env)).toThrow(/WITNESS_LOG_KEYS/);
    expect(() => loadWitnessConfig([], { ...env, WITNESS_LOG_KEYS: 'nonsense' })).toThrow(/log key/);
    expect(() => loadWitnessConfig([], { ...env, WITNESS_LOG_KEYS: logKey, WITNESS_LOG_URL: 'ftp://x' })).toThrow(
      /http/,
    );
    expect(() => loadWitnessConfig(['--interval-ms', '5'], { ...env, WITNESS_LOG_KEYS: logKey })).toThrow(
      /interval-ms/,
    );
    expect(() => loadWitnessConfig([], { ...env, WITNESS_NAME: '' })).toThrow(/WITNESS_NAME/);
  });
});
