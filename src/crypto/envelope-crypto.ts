import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyRing } from './key-ring';

export type BlobVariant = 'original' | 'preview' | 'thumbnail';

/**
 * What a sealed blob belongs to. claimId, photoId and variant are authenticated (the AAD): a blob
 * copied to another photo, claim or variant does not decrypt. keyVersion is carried for the caller's
 * convenience but is NOT authenticated: key rotation re-wraps the data key under a new KEK version
 * without touching the blobs, so it must not be part of the blob's AAD.
 */
export interface BlobBinding {
  claimId: string;
  photoId: string;
  variant: BlobVariant;
  keyVersion?: number;
}

/** A small encrypted field of a photo (GPS), bound to the photo and to the field's name. */
export interface FieldBinding {
  photoId: string;
  /** e.g. 'gps' */
  field: string;
}

/** Authentication failed: a flipped byte, a swapped blob, a wrong binding or a wrong key. */
export class EvidenceCorruptError extends Error {
  override name = 'EvidenceCorruptError';
  constructor(
    readonly photoId: string,
    readonly variant: string,
  ) {
    super(`evidence is corrupt or was tampered with (photo ${photoId}, ${variant})`);
  }
}

/** The photo's data key was destroyed (crypto-shredding): its bytes can never be read again. */
export class EvidenceShreddedError extends Error {
  override name = 'EvidenceShreddedError';
  constructor(readonly photoId?: string) {
    super(
      `evidence was shredded: its data key is destroyed and it can never be decrypted${photoId ? ` (photo ${photoId})` : ''}`,
    );
  }
}

/** A wrapped data key does not authenticate under the KEK version it claims. */
export class DataKeyUnwrapError extends Error {
  override name = 'DataKeyUnwrapError';
  constructor(readonly keyVersion: number) {
    super(
      `wrapped data key does not authenticate under master key version ${keyVersion} (corrupt, or the key ring differs from the one that wrapped it)`,
    );
  }
}

/** Format byte of sealed blobs, sealed fields and wrapped keys. */
const FORMAT_V1 = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

/** Canonical AAD of a blob: a domain label and the binding fields, NUL-separated (ids never contain NUL). */
export function blobAad(binding: BlobBinding): Buffer {
  for (const value of [binding.claimId, binding.photoId, binding.variant]) {
    if (typeof value !== 'string' || value.length === 0 || value.includes('\0'))
      throw new TypeError('blob binding needs non-empty claimId, photoId and variant');
  }
  return Buffer.from(['claims-evidence/blob/v1', binding.claimId, binding.photoId, binding.variant].join('\0'), 'utf8');
}

function fieldAad(binding: FieldBinding): Buffer {
  if (!binding.photoId || !binding.field || binding.photoId.includes('\0') || binding.field.includes('\0'))
    throw new TypeError('field binding needs photoId and field');
  return Buffer.from(['claims-evidence/field/v1', binding.photoId, binding.field].join('\0'), 'utf8');
}

function wrapAad(keyVersion: number): Buffer {
  return Buffer.from(`claims-evidence/data-key/v1\0kek:${keyVersion}`, 'utf8');
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_V1]), nonce, body, cipher.getAuthTag()]);
}

/** Returns undefined when anything does not authenticate. */
function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer | undefined {
  if (!Buffer.isBuffer(sealed) || sealed.length < OVERHEAD || sealed[0] !== FORMAT_V1) return undefined;
  try {
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return undefined;
  }
}

function checkDataKey(dataKey: Buffer): void {
  if (!Buffer.isBuffer(dataKey) || dataKey.length !== KEY_BYTES) throw new TypeError('a data key is 32 bytes');
}

function sealWithDataKey(dataKey: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  checkDataKey(dataKey);
  return seal(dataKey, plaintext, aad);
}

/**
 * Opens what the photo's data key sealed;
 * EvidenceCorruptError (naming the photo and the part) when it does not authenticate.
 */
function openWithDataKey(dataKey: Buffer, sealed: Buffer, aad: Buffer, photoId: string, part: string): Buffer {
  checkDataKey(dataKey);
  const plaintext = open(dataKey, sealed, aad);
  if (!plaintext) throw new EvidenceCorruptError(photoId, part);
  return plaintext;
}

/**
 * Envelope encryption of photo evidence. Every photo has its own random 256-bit data key; its
 * blobs (original, preview, thumbnail) and small fields (GPS) are sealed with it (AES-256-GCM,
 * random 96-bit nonce, AAD = the binding). The data key is stored only wrapped (AES-256-GCM) by a
 * versioned master key (KEK) of the KeyRing: photos.wrapped_data_key + photos.key_version.
 *
 * Sealed format: 0x01 || nonce(12) || ciphertext || tag(16). Wrapped key: the same, over the 32-byte
 * data key, with AAD naming the KEK version.
 */
@Injectable()
export class EnvelopeCrypto {
  constructor(private readonly keyRing: KeyRing) {}

  /** A fresh random data key, and the same key wrapped by the active KEK. Keep `dataKey` in memory only. */
  async newDataKey(): Promise<{ dataKey: Buffer; wrappedDataKey: Buffer; keyVersion: number }> {
    const active = this.keyRing.active();
    const dataKey = randomBytes(KEY_BYTES);
    return { dataKey, wrappedDataKey: seal(active.key, dataKey, wrapAad(active.version)), keyVersion: active.version };
  }

  /** Wraps an existing data key under a given KEK version (the active one by default): used by rotation. */
  async wrapDataKey(
    dataKey: Buffer,
    keyVersion = this.keyRing.active().version,
  ): Promise<{ wrappedDataKey: Buffer; keyVersion: number }> {
    checkDataKey(dataKey);
    return { wrappedDataKey: seal(this.keyRing.key(keyVersion), dataKey, wrapAad(keyVersion)), keyVersion };
  }

  /**
   * The photo's data key. Throws EvidenceShreddedError when the wrapped key is NULL (shredded),
   * UnknownKeyVersionError when the KEK version is not in the ring, DataKeyUnwrapError when the
   * wrapped key does not authenticate.
   */
  async unwrapDataKey(
    wrappedDataKey: Buffer | null | undefined,
    keyVersion: number,
    photoId?: string,
  ): Promise<Buffer> {
    if (wrappedDataKey === null || wrappedDataKey === undefined || wrappedDataKey.length === 0)
      throw new EvidenceShreddedError(photoId);
    const dataKey = open(this.keyRing.key(keyVersion), wrappedDataKey, wrapAad(keyVersion));
    if (!dataKey || dataKey.length !== KEY_BYTES) throw new DataKeyUnwrapError(keyVersion);
    return dataKey;
  }

  encrypt(dataKey: Buffer, plaintext: Buffer, binding: BlobBinding): Buffer {
    return sealWithDataKey(dataKey, plaintext, blobAad(binding));
  }

  decrypt(dataKey: Buffer, sealed: Buffer, binding: BlobBinding): Buffer {
    return openWithDataKey(dataKey, sealed, blobAad(binding), binding.photoId, binding.variant);
  }

  /** Seals a small field of the photo (e.g. GPS as JSON) with the photo's data key. */
  sealField(dataKey: Buffer, plaintext: Buffer, binding: FieldBinding): Buffer {
    return sealWithDataKey(dataKey, plaintext, fieldAad(binding));
  }

  openField(dataKey: Buffer, sealed: Buffer, binding: FieldBinding): Buffer {
    return openWithDataKey(dataKey, sealed, fieldAad(binding), binding.photoId, binding.field);
  }

  sealJsonField(dataKey: Buffer, value: unknown, binding: FieldBinding): Buffer {
    return this.sealField(dataKey, Buffer.from(JSON.stringify(value), 'utf8'), binding);
  }

  openJsonField<T>(dataKey: Buffer, sealed: Buffer, binding: FieldBinding): T {
    return JSON.parse(this.openField(dataKey, sealed, binding).toString('utf8')) as T;
  }
}

/** Crypto-shredding lives with the photos it changes; re-exported here where callers have always found it. */
export { shredDataKey } from '../claims/photos.repository';
