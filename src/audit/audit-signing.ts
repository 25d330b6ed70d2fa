import { Inject, Injectable } from '@nestjs/common';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { canonicalJson } from './canonical-json';
import {
  formatVerifierKey,
  noteKeyId,
  parseVerifierKey,
  rawPublicKey,
  type NoteSigner,
  type NoteVerifier,
} from './signed-note';

/** What a checkpoint signs: the chain had `headHash` as the hash of event `seq`, at `signedAt`. */
export interface CheckpointStatement {
  seq: number;
  headHash: string;
  signedAt: Date | string;
}

/** A checkpoint as it travels: in the database, in an export header, in a file given to an outsider. */
export interface SignedCheckpoint extends CheckpointStatement {
  keyId: string;
  /** SPKI PEM of the Ed25519 public key. */
  publicKey: string;
  /** Base64 Ed25519 signature over `checkpointStatementBytes`. */
  signature: string;
}

/** The exact bytes signed: canonical JSON of {headHash, seq, signedAt (ISO 8601, ms)}. */
export function checkpointStatementBytes(statement: CheckpointStatement): Buffer {
  return Buffer.from(
    canonicalJson({
      seq: Number(statement.seq),
      headHash: statement.headHash,
      signedAt: new Date(statement.signedAt).toISOString(),
    }),
    'utf8',
  );
}

/** keyId: the first 16 hex digits of SHA-256 over the raw 32-byte Ed25519 public key. */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const raw = Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/**
 * Checks a checkpoint's signature with the public key it carries, that its keyId is that key's id,
 * and (when given) that the key is one the verifier trusts. Returns a reason, or undefined when good.
 */
export function checkCheckpointSignature(
  checkpoint: SignedCheckpoint,
  trustedKeyIds?: readonly string[],
): string | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey(checkpoint.publicKey);
  } catch {
    return `checkpoint ${checkpoint.seq}: its public key cannot be read`;
  }
  if (key.asymmetricKeyType !== 'ed25519') return `checkpoint ${checkpoint.seq}: its key is not Ed25519`;
  const keyId = keyIdOf(key);
  if (keyId !== checkpoint.keyId)
    return `checkpoint ${checkpoint.seq}: keyId ${checkpoint.keyId} does not belong to its public key (${keyId})`;
  if (trustedKeyIds && !trustedKeyIds.includes(keyId))
    return `checkpoint ${checkpoint.seq}: signed by key ${keyId}, which is not a trusted audit key (${trustedKeyIds.join(', ')})`;
  let valid = false;
  try {
    valid = verify(null, checkpointStatementBytes(checkpoint), key, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    valid = false;
  }
  return valid ? undefined : `checkpoint ${checkpoint.seq}: signature does not verify`;
}

export const DEFAULT_LOG_ORIGIN = 'claims-evidence.local/audit';

/** What the key needs of the configuration (tools and tests pass just the key file). */
export interface AuditKeyConfig {
  audit: Partial<AppConfig['audit']> & Pick<AppConfig['audit'], 'signingKeyFile'>;
}

/**
 * The Ed25519 key that signs checkpoints, read from AUDIT_SIGNING_KEY_FILE (PKCS#8 PEM). When the
 * file does not exist it is created, with mode 0600, on first use; every process that signs or
 * verifies must see the same file (mount it as a secret in a multi-machine deployment).
 */
@Injectable()
export class AuditSigningKey {
  private loaded: { privateKey: KeyObject; publicKeyPem: string; keyId: string; rawPublicKey: Buffer } | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AuditKeyConfig) {}

  /** The log's origin line, which is also the signed-note key name of its tree heads. */
  get origin(): string {
    return this.config.audit.logOrigin ?? DEFAULT_LOG_ORIGIN;
  }

  /** The raw 32-byte Ed25519 public key. */
  get rawPublicKey(): Buffer {
    return this.load().rawPublicKey;
  }

  /** Signs tree-head notes: key name = the log's origin. */
  get noteSigner(): NoteSigner {
    return { name: this.origin, privateKey: this.load().privateKey };
  }

  /** The note key id (8 hex digits) of the current key. */
  get noteKeyId(): string {
    return noteKeyId(this.origin, this.rawPublicKey).toString('hex');
  }

  /** The current key as a C2SP verifier key: "origin+keyid+base64(0x01 ‖ key)". */
  get verifierKey(): string {
    return formatVerifierKey(this.origin, this.rawPublicKey);
  }

  /**
   * Every key tree heads may be signed with: the current key first, then the earlier ones kept for
   * verification (AUDIT_PREVIOUS_VERIFIER_KEYS) after a rotation.
   */
  get verifiers(): NoteVerifier[] {
    return [
      parseVerifierKey(this.verifierKey),
      ...(this.config.audit.previousVerifierKeys ?? []).map(parseVerifierKey),
    ];
  }

  /** The old-style keyIds (checkpoints of the former hash chain) of every trusted key. */
  get legacyKeyIds(): string[] {
    return this.verifiers.map((v) => createHash('sha256').update(v.publicKey).digest('hex').slice(0, 16));
  }

  get keyId(): string {
    return this.load().keyId;
  }

  get publicKeyPem(): string {
    return this.load().publicKeyPem;
  }

  sign(statement: CheckpointStatement): SignedCheckpoint {
    const key = this.load();
    const signature = sign(null, checkpointStatementBytes(statement), key.privateKey).toString('base64');
    return {
      seq: statement.seq,
      headHash: statement.headHash,
      signedAt: statement.signedAt,
      keyId: key.keyId,
      publicKey: key.publicKeyPem,
      signature,
    };
  }

  private load() {
    if (this.loaded) return this.loaded;
    const file = this.config.audit.signingKeyFile;
    let pem: string;
    try {
      pem = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      pem = createKeyFile(file);
    }
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error(`AUDIT_SIGNING_KEY_FILE ${file} does not hold an Ed25519 private key`);
    const publicKey = createPublicKey(privateKey);
    this.loaded = {
      privateKey,
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      keyId: keyIdOf(publicKey),
      rawPublicKey: rawPublicKey(publicKey),
    };
    return this.loaded;
  }
}

function createKeyFile(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    // 'wx': never overwrite a key another process created a moment ago.
    fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8');
    throw error;
  }
}
