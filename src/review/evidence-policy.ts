/**
 * Deciding on evidence: a reviewer may approve a claim with open flags only after opening each flagged
 * photo, or acknowledging the flag with a note. Pure: the caller loads the open flags (flagged checks of the
 * latest scoring run), the claim's viewable photos and the photos this reviewer opened (`photo_views`).
 */

/** A flagged check of the claim's latest scoring run. */
export interface OpenFlag {
  checkId: string;
  kind: string;
  /** The photo the check is about; null for a claim-level check (about the photos taken together). */
  photoId: string | null;
}

/** A photo of the claim that can still be opened (not destroyed under retention). */
export interface EvidencePhoto {
  id: string;
  fileName: string;
}

export interface FlagAcknowledgement {
  checkId: string;
  note: string;
}

/** One flag and what the reviewer has done about it. */
export interface FlagEvidence {
  checkId: string;
  kind: string;
  /** The photos that show the flag: its own photo, or every photo of the claim for a claim-level flag. */
  photoIds: string[];
  /** Those the reviewer has not opened (a destroyed photo cannot be opened: it stays unseen). */
  unseenPhotoIds: string[];
  acknowledged: boolean;
  /** Seen (every photo opened, and at least one photo exists) or acknowledged. */
  satisfied: boolean;
}

export interface EvidenceState {
  flags: FlagEvidence[];
  /** Photos of unsatisfied flags the reviewer has not opened, in the claim's photo order. */
  unseenPhotoIds: string[];
  /** True when nothing stands in the way of an approval. */
  ready: boolean;
}

/** The shortest and longest note that acknowledges a flag (the reviewer's reason to approve without looking). */
export const ACKNOWLEDGEMENT_NOTE_MIN_LENGTH = 10;
export const ACKNOWLEDGEMENT_NOTE_MAX_LENGTH = 2000;

export function evidenceState(
  flags: readonly OpenFlag[],
  photos: readonly EvidencePhoto[],
  viewedPhotoIds: Iterable<string>,
  acknowledgements: readonly FlagAcknowledgement[] = [],
): EvidenceState {
  const viewed = new Set(viewedPhotoIds);
  const acknowledged = new Set(acknowledgements.map((entry) => entry.checkId));
  const allPhotoIds = photos.map((photo) => photo.id);
  const states = flags.map((flag): FlagEvidence => {
    const photoIds = flag.photoId ? [flag.photoId] : allPhotoIds;
    const unseenPhotoIds = photoIds.filter((id) => !viewed.has(id) || !allPhotoIds.includes(id));
    const seen = photoIds.length > 0 && unseenPhotoIds.length === 0;
    const isAcknowledged = acknowledged.has(flag.checkId);
    return {
      checkId: flag.checkId,
      kind: flag.kind,
      photoIds,
      unseenPhotoIds,
      acknowledged: isAcknowledged,
      satisfied: seen || isAcknowledged,
    };
  });
  const unseen = new Set(states.filter((state) => !state.satisfied).flatMap((state) => state.unseenPhotoIds));
  const ordered = [
    ...allPhotoIds.filter((id) => unseen.has(id)),
    ...[...unseen].filter((id) => !allPhotoIds.includes(id)),
  ];
  return { flags: states, unseenPhotoIds: ordered, ready: states.every((state) => state.satisfied) };
}

/**
 * What is wrong with a request's acknowledgements, or null: each must name a different open flag. An
 * acknowledgement of something that is not an open flag is refused rather than ignored (the reviewer
 * believes they acknowledged something).
 */
export function acknowledgementProblem(
  flags: readonly OpenFlag[],
  acknowledgements: readonly FlagAcknowledgement[],
): string | null {
  const open = new Set(flags.map((flag) => flag.checkId));
  const seen = new Set<string>();
  for (const entry of acknowledgements) {
    if (seen.has(entry.checkId)) return `check ${entry.checkId} is acknowledged twice`;
    seen.add(entry.checkId);
    if (!open.has(entry.checkId))
      return `check ${entry.checkId} is not an open flag of the claim's latest scoring run; acknowledge only its flags`;
  }
  return null;
}

/** The 409 message of an approval without the evidence: names the unseen photos and the flags to acknowledge. */
export function unseenEvidenceMessage(state: EvidenceState, photos: readonly EvidencePhoto[]): string {
  const name = (id: string) => {
    const index = photos.findIndex((photo) => photo.id === id);
    return index < 0 ? `photo ${id} (destroyed)` : `photo ${index + 1} "${photos[index].fileName}" (${id})`;
  };
  const open = state.flags.filter((flag) => !flag.satisfied);
  const unseen =
    state.unseenPhotoIds.length > 0 ? `unseen: ${state.unseenPhotoIds.map(name).join(', ')}` : 'no photo to open';
  return `the claim has flags whose photos you have not opened (${unseen}); open each flagged photo, or acknowledge each flag with a note (acknowledgements: ${open
    .map((flag) => `${flag.kind} ${flag.checkId}`)
    .join(', ')})`;
}
