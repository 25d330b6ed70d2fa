import { createHash, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditSigningKey, checkCheckpointSignature } from './audit-signing';

describe('AuditSigningKey', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-key-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the key file with mode 0600 on first use and reuses it', () => {
    const file = path.join(dir, 'keys', 'audit-ed25519.pem');
    const key = new AuditSigningKey({ audit: { signingKeyFile: file, checkpointIntervalMs: 0 } });
    const keyId = key.keyId;
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const raw = Buffer.from(createPublicKey(key.publicKeyPem).export({ format: 'jwk' }).x as string, 'base64url');
    expect(keyId).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    expect(new AuditSigningKey({ audit: { signingKeyFile: file, checkpointIntervalMs: 0 } }).keyId).toBe(keyId);
  });

  it('signs checkpoints that verify, and refuses altered ones and foreign keys', () => {
    const key = new AuditSigningKey({ audit: { signingKeyFile: path.join(dir, 'a.pem'), checkpointIntervalMs: 0 } });
    const other = new AuditSigningKey({ audit: { signingKeyFile: path.join(dir, 'b.pem'), checkpointIntervalMs: 0 } });
    const checkpoint = key.sign({ seq: 42, headHash: 'ab'.repeat(32), signedAt: new Date('2026-01-01T00:00:00Z') });
    expect(checkCheckpointSignature(checkpoint, [key.keyId])).toBeUndefined();
    expect(checkCheckpointSignature({ ...checkpoint, seq: 43 })).toMatch(/does not verify/);
    expect(checkCheckpointSignature({ ...checkpoint, headHash: 'cd'.repeat(32) })).toMatch(/does not verify/);
    expect(checkCheckpointSignature(checkpoint, [other.keyId])).toMatch(/not a trusted/);
    const forged = other.sign({ seq: 42, headHash: 'ab'.repeat(32), signedAt: checkpoint.signedAt });
    expect(checkCheckpointSignature({ ...forged, keyId: key.keyId })).toMatch(/does not belong/);
  });

  it('names itself as a C2SP verifier key and trusts the previous keys it is given', () => {
    const old = new AuditSigningKey({
      audit: { signingKeyFile: path.join(dir, 'old.pem'), logOrigin: 'log.example/a' },
    });
    const current = new AuditSigningKey({
      audit: {
        signingKeyFile: path.join(dir, 'new.pem'),
        logOrigin: 'log.example/a',
        previousVerifierKeys: [old.verifierKey],
      },
    });
    expect(current.verifierKey).toMatch(/^log\.example\/a\+[0-9a-f]{8}\+/);
    expect(current.verifierKey.split('+')[1]).toBe(current.noteKeyId);
    expect(current.verifiers.map((v) => v.keyId.toString('hex'))).toEqual([current.noteKeyId, old.noteKeyId]);
    expect(current.legacyKeyIds).toEqual([current.keyId, old.keyId]);
  });
});
