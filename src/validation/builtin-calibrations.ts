/**
 * Calibrations committed with the code, for models shipped with the repository. The fixture model
 * (models/fixture, used by the tests and the demo) runs calibrated from its first start: its thresholds are
 * the hand-tuned defaults of default-thresholds.ts (tuned on the labelled synthetic set, seed base 5000, tested
 * on seed base 9000), plus any per-line admin overrides kept in `check_thresholds` from before calibrations.
 * It is version 0 of its key; an admin's first applied version supersedes it and a rollback to 0 restores it.
 *
 * Any other model — `CLIP_MODEL=vit-b32`, a retrained fixture (another hash), or edited prompt templates
 * (another PROMPT_TEMPLATES_VERSION) — has no calibration until one is fitted and applied: it runs in safe mode.
 */
export interface BuiltinCalibration {
  modelName: string;
  modelHash: string;
  promptSetVersion: string;
}

export const BUILTIN_CALIBRATIONS: readonly BuiltinCalibration[] = [
  {
    modelName: 'fixture',
    modelHash: '52f1526771e4b233b149913c32f648418e161f2d42447a5b155becdbaec4e73b',
    promptSetVersion: 'pt1-65f65c7d9227a299',
  },
];

export function builtinCalibration(modelHash: string, promptSetVersion: string): BuiltinCalibration | null {
  return (
    BUILTIN_CALIBRATIONS.find(
      (entry) => entry.modelHash === modelHash && entry.promptSetVersion === promptSetVersion,
    ) ?? null
  );
}
