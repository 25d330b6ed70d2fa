import { createHash } from 'node:crypto';
import type { LineOfBusiness } from '../policies/policy.entity';

/**
 * The text the model compares photos with. Each class is an ensemble of prompts whose normalised
 * embeddings are averaged (as the CLIP paper does), which is steadier than any single wording.
 * `{object}` is replaced by the claim's insured-object noun. Policy clauses may bring their own
 * prompts for a peril key; the version of the set used is stored with every scoring run.
 */
export interface PromptClass {
  key: string;
  prompts: string[];
}

export interface PromptSet {
  version: string;
  damage: PromptClass[];
  objects: PromptClass[];
}

/** Damage classes by peril key. `none` is the undamaged class; `wear_and_tear` is usually an exclusion. */
export const DEFAULT_DAMAGE_PROMPTS: Record<string, string[]> = {
  collision: ['a photo of a {object} with dents', 'a photo of a dented {object}', 'collision damage', 'dents'],
  glass: [
    'a photo of a {object} with broken glass',
    'a photo of a {object} with a broken window',
    'broken glass',
    'shattered glass',
  ],
  fire: ['a photo of a {object} with fire damage', 'a photo of a burnt {object}', 'fire damage', 'smoke damage'],
  flood: ['a photo of a flooded {object}', 'a photo of a {object} with flood damage', 'flood damage', 'water damage'],
  hail: ['a photo of a {object} with hail damage', 'a photo of a hail-damaged {object}', 'hail damage'],
  wear_and_tear: ['a photo of a rusty {object}', 'a photo of a {object} with rust', 'wear and tear', 'rust'],
  none: ['a photo of an undamaged {object}', 'a photo of an intact {object}', 'a photo of a {object} with no damage'],
};

/** Names intake systems use for the same peril, mapped to the prompt set's key. */
const PERIL_ALIASES: Record<string, string> = {
  rust: 'wear_and_tear',
  wear: 'wear_and_tear',
  corrosion: 'wear_and_tear',
  water: 'flood',
  flooding: 'flood',
  broken_glass: 'glass',
  windscreen: 'glass',
  window: 'glass',
  smoke: 'fire',
  hailstorm: 'hail',
  dents: 'collision',
  accident: 'collision',
};

/** The prompt-set key of a peril as a claim or clause names it (lower-cased, aliases resolved). */
export function perilKey(name: string): string {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return PERIL_ALIASES[key] ?? key;
}

/** The insured-object classes, with the words that name them in a policy's object description. */
export const OBJECT_CLASSES: Record<LineOfBusiness, Array<{ key: string; names: string[]; prompts: string[] }>> = {
  auto: [
    { key: 'sedan', names: ['sedan', 'saloon'], prompts: ['a photo of a sedan'] },
    { key: 'suv', names: ['suv', 'sport utility'], prompts: ['a photo of a suv'] },
    {
      key: 'pickup truck',
      names: ['pickup', 'truck', 'lorry'],
      prompts: ['a photo of a pickup truck', 'a photo of a truck'],
    },
    { key: 'van', names: ['van', 'minivan'], prompts: ['a photo of a van'] },
    { key: 'motorcycle', names: ['motorcycle', 'motorbike', 'scooter'], prompts: ['a photo of a motorcycle'] },
  ],
  property: [
    { key: 'house', names: ['house', 'home', 'bungalow', 'cottage', 'villa'], prompts: ['a photo of a house'] },
    { key: 'apartment building', names: ['apartment', 'flat', 'block'], prompts: ['a photo of an apartment building'] },
    { key: 'barn', names: ['barn', 'farm building'], prompts: ['a photo of a barn'] },
    { key: 'garage', names: ['garage', 'carport'], prompts: ['a photo of a garage'] },
  ],
};

/** Every object class of every line, so a car on a house policy is caught too. */
export function allObjectClasses(): Array<{ key: string; names: string[]; prompts: string[]; line: LineOfBusiness }> {
  return (Object.keys(OBJECT_CLASSES) as LineOfBusiness[]).flatMap((line) =>
    OBJECT_CLASSES[line].map((entry) => ({ ...entry, line })),
  );
}

/** The object class a policy's insured-object description names ("blue 2019 Toyota sedan" → sedan). */
export function insuredObjectClass(line: LineOfBusiness, description: string): string | null {
  const words = description.toLowerCase();
  const match = OBJECT_CLASSES[line].find((entry) =>
    entry.names.some((name) => new RegExp(`\\b${name}\\b`).test(words)),
  );
  return match?.key ?? null;
}

/** The noun that fills `{object}` in damage prompts. */
export function objectNoun(line: LineOfBusiness, objectClass: string | null): string {
  if (objectClass) return objectClass;
  return line === 'auto' ? 'car' : 'building';
}

export interface ClausePrompts {
  perilKey: string;
  prompts: string[];
}

/** Builds the prompt set for one claim: defaults, overridden per peril by the policy's clause prompts. */
export function buildPromptSet(
  line: LineOfBusiness,
  objectClass: string | null,
  clausePrompts: ClausePrompts[] = [],
): PromptSet {
  const noun = objectNoun(line, objectClass);
  const overrides = new Map(
    clausePrompts
      .filter((clause) => clause.prompts.length > 0)
      .map((clause) => [perilKey(clause.perilKey), clause.prompts]),
  );
  const damage = Object.entries(DEFAULT_DAMAGE_PROMPTS).map(([key, prompts]) => ({
    key,
    prompts: (overrides.get(key) ?? prompts).map((prompt) => prompt.replaceAll('{object}', noun)),
  }));
  const objects = allObjectClasses().map((entry) => ({ key: entry.key, prompts: entry.prompts }));
  const version = createHash('sha256').update(JSON.stringify({ damage, objects })).digest('hex').slice(0, 16);
  return { version: `ps1-${version}`, damage, objects };
}

/**
 * The version of the prompt templates (default damage prompts and object classes): what a calibration is
 * keyed by besides the model. A claim's own prompt-set version also covers its insured-object noun and its
 * policy's clause prompts; those fill the templates and do not change which templates were calibrated.
 */
export const PROMPT_TEMPLATES_VERSION = `pt1-${createHash('sha256')
  .update(JSON.stringify({ damage: DEFAULT_DAMAGE_PROMPTS, objects: OBJECT_CLASSES }))
  .digest('hex')
  .slice(0, 16)}`;
