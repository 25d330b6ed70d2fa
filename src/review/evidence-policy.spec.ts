import { acknowledgementProblem, evidenceState, unseenEvidenceMessage, type OpenFlag } from './evidence-policy';

const photos = [
  { id: 'p1', fileName: 'front.jpg' },
  { id: 'p2', fileName: 'side.jpg' },
];
const duplicate: OpenFlag = { checkId: 'c1', kind: 'duplicate_photo', photoId: 'p2' };
const noDamage: OpenFlag = { checkId: 'c2', kind: 'no_visible_damage', photoId: null };

describe('evidenceState', () => {
  it('is ready when there are no open flags', () => {
    expect(evidenceState([], photos, [])).toEqual({ flags: [], unseenPhotoIds: [], ready: true });
  });

  it('needs the flagged photo opened; another photo does not count', () => {
    const state = evidenceState([duplicate], photos, ['p1']);
    expect(state.ready).toBe(false);
    expect(state.unseenPhotoIds).toEqual(['p2']);
    expect(evidenceState([duplicate], photos, ['p2']).ready).toBe(true);
  });

  it('a claim-level flag needs every photo of the claim opened', () => {
    expect(evidenceState([noDamage], photos, ['p2']).unseenPhotoIds).toEqual(['p1']);
    expect(evidenceState([noDamage], photos, ['p2', 'p1']).ready).toBe(true);
  });

  it('an acknowledgement satisfies its flag only; unseen photos of other flags remain', () => {
    const state = evidenceState([duplicate, noDamage], photos, [], [{ checkId: 'c1', note: 'seen on paper file' }]);
    expect(state.flags.map((flag) => [flag.checkId, flag.satisfied])).toEqual([
      ['c1', true],
      ['c2', false],
    ]);
    expect(state.unseenPhotoIds).toEqual(['p1', 'p2']);
  });

  it('a destroyed photo cannot be seen: its flag must be acknowledged', () => {
    const state = evidenceState([{ checkId: 'c3', kind: 'exif_anomaly', photoId: 'gone' }], photos, ['gone']);
    expect(state.ready).toBe(false);
    expect(state.unseenPhotoIds).toEqual(['gone']);
    expect(evidenceState([noDamage], [], []).ready).toBe(false);
  });
});

describe('acknowledgementProblem', () => {
  it('refuses a check that is not an open flag and a flag acknowledged twice', () => {
    expect(acknowledgementProblem([duplicate], [{ checkId: 'c1', note: 'x'.repeat(10) }])).toBeNull();
    expect(acknowledgementProblem([duplicate], [{ checkId: 'c9', note: 'x'.repeat(10) }])).toMatch(
      /c9 is not an open flag/,
    );
    expect(
      acknowledgementProblem(
        [duplicate],
        [
          { checkId: 'c1', note: 'x'.repeat(10) },
          { checkId: 'c1', note: 'y'.repeat(10) },
        ],
      ),
    ).toMatch(/twice/);
  });
});

describe('unseenEvidenceMessage', () => {
  it('names the unseen photos by number, file name and id, and the flags to acknowledge', () => {
    const message = unseenEvidenceMessage(evidenceState([duplicate], photos, []), photos);
    expect(message).toContain('photo 2 "side.jpg" (p2)');
    expect(message).toContain('duplicate_photo c1');
    expect(message).not.toContain('front.jpg');
  });
});
