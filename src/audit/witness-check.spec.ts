import { generateKeyPairSync } from 'node:crypto';
import { cosign, formatCosignatureVerifierKey } from './cosignature';
import { rootOf, leafHash } from './merkle/rfc6962';
import { formatCheckpoint, rawPublicKey, signNote } from './signed-note';
import { checkWitnesses, type LogSide } from './witness-check';

const ORIGIN = 'log.test';
const logKey = generateKeyPairSync('ed25519').privateKey;
const witnessKey = generateKeyPairSync('ed25519').privateKey;
const witnessVkey = formatCosignatureVerifierKey('w.test', rawPublicKey(witnessKey));

const original = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
const rootAt = (leaves: Buffer[], size: number) => rootOf(leaves.slice(0, size));

function cosignedNote(size: number, leaves = original, key = witnessKey): string {
  const body = formatCheckpoint({ origin: ORIGIN, size, rootHash: rootAt(leaves, size) });
  return (
    signNote(body, { name: ORIGIN, privateKey: logKey }) +
    cosign(body, { name: 'w.test', privateKey: key }, 1_700_000_000)
  );
}

function logOf(leaves: Buffer[]): LogSide {
  return {
    origin: ORIGIN,
    witnessKeys: [witnessVkey],
    size: leaves.length,
    consistentWith: async (size, root) => rootAt(leaves, size).equals(root),
  };
}

const history = [4, 9, 16, 25, 33].map((size) => ({ size, rootHash: rootAt(original, size).toString('base64') }));

describe('checking the log against witnesses', () => {
  it('finds an extended log consistent with the cosigned head', async () => {
    const section = await checkWitnesses([{ source: 'w', note: cosignedNote(33), history }], logOf(original));
    expect(section.checked).toBe(1);
    expect(section.findings[0]).toMatchObject({
      status: 'consistent',
      treeSize: 33,
      cosignedAt: '2023-11-14T22:13:20.000Z',
    });
  });

  it('locates a rewrite between the cosigned sizes around it', async () => {
    const rewritten = original.map((leaf, i) => (i >= 12 ? leafHash(Buffer.from(`forged ${i}`)) : leaf));
    const [finding] = (await checkWitnesses([{ source: 'w', note: cosignedNote(33), history }], logOf(rewritten)))
      .findings;
    expect(finding).toMatchObject({
      status: 'rolled_back_or_forked',
      located: { consistentSize: 9, inconsistentSize: 16 },
    });
    // The case: everything after the first event rewritten — nothing cosigned still matches.
    const afterFirst = original.map((leaf, i) => (i >= 1 ? leafHash(Buffer.from(`forged ${i}`)) : leaf));
    const [all] = (await checkWitnesses([{ source: 'w', note: cosignedNote(33), history }], logOf(afterFirst)))
      .findings;
    expect(all.located).toEqual({ consistentSize: 0, inconsistentSize: 4 });
  });

  it('reports a log cut below the cosigned size as rolled back', async () => {
    const [finding] = (
      await checkWitnesses([{ source: 'w', note: cosignedNote(33), history }], logOf(original.slice(0, 20)))
    ).findings;
    expect(finding).toMatchObject({
      status: 'rolled_back_or_forked',
      located: { consistentSize: 16, inconsistentSize: 25 },
    });
    expect(finding.message).toMatch(/holds only 20 leaves/);
  });

  it('does not trust a cosignature by an unknown key, nor another log, and reports an unreachable witness', async () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const section = await checkWitnesses(
      [
        { source: 'a', note: cosignedNote(33, original, stranger) },
        { source: 'b', error: 'unreachable: connection refused' },
      ],
      logOf(original),
    );
    expect(section.checked).toBe(0);
    expect(section.findings.map((f) => f.status)).toEqual(['unverified', 'unreachable']);
    const other = await checkWitnesses([{ source: 'c', note: cosignedNote(33) }], {
      ...logOf(original),
      origin: 'other.test',
    });
    expect(other.findings[0]).toMatchObject({ status: 'unverified', message: expect.stringMatching(/another log/) });
  });
});
