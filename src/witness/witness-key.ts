import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatCosignatureVerifierKey } from '../audit/cosignature';
import { rawPublicKey } from '../audit/signed-note';

/** The witness's Ed25519 key (PKCS#8 PEM); created with mode 0600 when the file does not exist. */
export function loadOrCreateWitnessKey(file: string): KeyObject {
  if (fs.existsSync(file)) {
    const key = createPrivateKey(fs.readFileSync(file));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} does not hold an Ed25519 private key`);
    return key;
  }
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return privateKey;
}

export function witnessVerifierKey(name: string, key: KeyObject): string {
  return formatCosignatureVerifierKey(name, rawPublicKey(key));
}
