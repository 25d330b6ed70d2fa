import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import { calculateJwkThumbprint, compactDecrypt, decodeProtectedHeader, type JWK } from 'jose';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { createSecretFileOnce } from './key-files';

export const INTAKE_JWE_ALG = 'ECDH-ES+A256KW';
export const INTAKE_JWE_ENC = 'A256GCM';

/** A client-side encrypted upload cannot be decrypted: another key, tampered, or a refused algorithm (HTTP 422). */
export class IntakeDecryptError extends UnprocessableEntityException {
  constructor(reason: string) {
    super(`encrypted upload cannot be decrypted: ${reason}`);
    this.name = 'IntakeDecryptError';
  }
}

export interface IntakeJwks {
  keys: JWK[];
}

interface LoadedIntakeKey {
  privateKey: KeyObject;
  publicJwk: JWK;
  kid: string;
}

/**
 * The P-256 key pair that intake systems encrypt photos to (JWE compact, ECDH-ES+A256KW with
 * A256GCM). The private key is the PEM at INTAKE_KEY_FILE, created (mode 0600) on first use; every
 * API replica must see the same file. The public half is published as a JWKS with kid = its RFC 7638
 * thumbprint.
 */
@Injectable()
export class IntakeKeys {
  private loaded: Promise<LoadedIntakeKey> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'crypto'>) {}

  async jwks(): Promise<IntakeJwks> {
    const key = await this.load();
    return { keys: [{ ...key.publicJwk }] };
  }

  async kid(): Promise<string> {
    return (await this.load()).kid;
  }

  async decrypt(compactJwe: string): Promise<{ plaintext: Buffer; protectedHeader: Record<string, unknown> }> {
    const key = await this.load();
    if (typeof compactJwe !== 'string' || compactJwe.trim().split('.').length !== 5)
      throw new IntakeDecryptError('not a JWE in compact serialisation');
    const jwe = compactJwe.trim();
    let header: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(jwe) as Record<string, unknown>;
    } catch {
      throw new IntakeDecryptError('its protected header cannot be read');
    }
    if (header.alg !== INTAKE_JWE_ALG)
      throw new IntakeDecryptError(`alg must be ${INTAKE_JWE_ALG} (got ${String(header.alg)})`);
    if (header.enc !== INTAKE_JWE_ENC)
      throw new IntakeDecryptError(`enc must be ${INTAKE_JWE_ENC} (got ${String(header.enc)})`);
    if (header.zip !== undefined) throw new IntakeDecryptError('compressed (zip) payloads are not accepted');
    if (header.kid !== undefined && header.kid !== key.kid)
      throw new IntakeDecryptError(
        `it was encrypted to another key (kid ${String(header.kid)}; ours is ${key.kid}, see GET /v1/keys/intake)`,
      );
    try {
      const result = await compactDecrypt(jwe, key.privateKey, {
        keyManagementAlgorithms: [INTAKE_JWE_ALG],
        contentEncryptionAlgorithms: [INTAKE_JWE_ENC],
      });
      return {
        plaintext: Buffer.from(result.plaintext),
        protectedHeader: result.protectedHeader as Record<string, unknown>,
      };
    } catch {
      throw new IntakeDecryptError('it does not authenticate (tampered, or encrypted to another key)');
    }
  }

  private load(): Promise<LoadedIntakeKey> {
    this.loaded ??= this.read().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private async read(): Promise<LoadedIntakeKey> {
    const file = this.config.crypto.intakeKeyFile;
    if (!fs.existsSync(file)) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      createSecretFileOnce(file, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    }
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(fs.readFileSync(file));
    } catch (error) {
      throw new Error(`INTAKE_KEY_FILE (${file}) cannot be read as a PEM private key: ${(error as Error).message}`);
    }
    if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`INTAKE_KEY_FILE (${file}) must hold a P-256 (prime256v1) EC private key`);
    }
    const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256');
    return { privateKey, kid, publicJwk: { kty, crv, x, y, kid, alg: INTAKE_JWE_ALG, use: 'enc' } };
  }
}
