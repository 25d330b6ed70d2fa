import type { Tx } from '../database/transaction-runner';

/** One data key wrapped by a master key version, as a holder stores it. */
export interface WrappedKeyRow {
  /** Which key of the holder (an id, or an id and a slot), for failures and the rewrap; never key material. */
  ref: string;
  wrapped: Buffer;
  keyVersion: number;
}

/**
 * A table, other than photos, that keeps data keys wrapped by the master key ring (TOTP secrets, webhook
 * signing secrets). Key rotation re-wraps them and retirement refuses a version they still use. Each
 * holder is its table owner's code (SQL stays in that owner's repository); it registers itself with
 * KeyRotationService, so the crypto module does not import the modules that use it.
 */
export interface WrappedKeyHolder {
  /** What the keys are, in the plural, for messages and the audit trail (e.g. "TOTP secrets"). */
  readonly label: string;
  /** Keys under a version below `version`, row-locked for the rest of `tx`. */
  lockBelowVersion(tx: Tx, version: number): Promise<WrappedKeyRow[]>;
  /** Stores `row`'s key wrapped anew under `keyVersion`. */
  rewrap(tx: Tx, row: WrappedKeyRow, wrapped: Buffer, keyVersion: number): Promise<void>;
  /** How many of its keys each master key version wraps. */
  countByVersion(tx?: Tx): Promise<Array<{ version: number; count: number }>>;
}
