import {
  rfcConsistencyProof,
  rfcInclusionPath,
  rfcLeafHash,
  rfcTreeHash,
  rfcVerifyConsistency,
  rfcVerifyInclusion,
} from './rfc6962-verifier';

const leaves = Array.from({ length: 17 }, (_, i) => Buffer.from(`entry ${i}`));
const hashes = leaves.map(rfcLeafHash);

describe('independent RFC 6962 verifier', () => {
  it('computes the RFC 6962 test vector roots (Certificate Transparency reference data)', () => {
    // The 8 leaves of the CT reference tests (ct/merkle_tree_test.cc / Trillian testonly).
    const ctLeaves = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ].map((h) => Buffer.from(h, 'hex'));
    expect(rfcTreeHash([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rfcTreeHash(ctLeaves.slice(0, 1)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(rfcTreeHash(ctLeaves).toString('hex')).toBe(
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    );
  });

  it('accepts every inclusion proof of trees of 1..17 leaves and rejects altered ones', () => {
    for (let size = 1; size <= leaves.length; size++) {
      const root = rfcTreeHash(leaves.slice(0, size));
      for (let index = 0; index < size; index++) {
        const path = rfcInclusionPath(index, leaves.slice(0, size));
        expect(rfcVerifyInclusion(index, size, hashes[index], path, root)).toBe(true);
        expect(rfcVerifyInclusion(index, size, rfcLeafHash(Buffer.from('other')), path, root)).toBe(false);
        if (size > 1) {
          expect(rfcVerifyInclusion((index + 1) % size, size, hashes[index], path, root)).toBe(false);
          expect(rfcVerifyInclusion(index, size, hashes[index], path.slice(0, -1), root)).toBe(false);
        }
      }
    }
  });

  it('accepts every consistency proof between sizes 1..17 and rejects a different old root', () => {
    for (let second = 1; second <= leaves.length; second++) {
      const root2 = rfcTreeHash(leaves.slice(0, second));
      for (let first = 1; first <= second; first++) {
        const root1 = rfcTreeHash(leaves.slice(0, first));
        const proof = rfcConsistencyProof(first, leaves.slice(0, second));
        expect(rfcVerifyConsistency(first, second, root1, root2, proof)).toBe(true);
        const forged = rfcTreeHash([Buffer.from('forged'), ...leaves.slice(1, first)]);
        expect(rfcVerifyConsistency(first, second, forged, root2, proof)).toBe(false);
      }
    }
  });
});
