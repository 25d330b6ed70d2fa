import type { ValueTransformer } from 'typeorm';

/** numeric(14,2) arrives from pg as a string; money stays exact as a string of cents-precision decimals. */
export const decimalString: ValueTransformer = {
  to: (value: string | number | null | undefined) => (value === null || value === undefined ? value : String(value)),
  from: (value: string | null) => value,
};

/** bigint columns (audit sequence) as JS numbers: safe below 2^53, far beyond any audit log. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
