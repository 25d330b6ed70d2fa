import * as fs from 'node:fs';
import * as path from 'node:path';
import { chance, deriveSeed, mulberry32, pick } from '../../tools/scenes/prng';
import {
  SCENE_BUILDINGS,
  SCENE_VEHICLES,
  isVehicle,
  randomSceneSpec,
  renderScene,
  type SceneDamage,
  type SceneSpec,
} from '../../tools/scenes/scene-renderer';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import type { ModelCheckKind } from '../validation/checks/model-checks';

/** The checks the model decides (the others do not depend on the model). */
export const MODEL_CHECK_KINDS: readonly ModelCheckKind[] = [
  'peril_mismatch',
  'exclusion_evident',
  'object_mismatch',
  'no_visible_damage',
];

/**
 * One labelled claim of an evaluation set: its photos, what the policy says, and which model checks a
 * correct service flags (every model check not listed is expected not to flag).
 */
export interface LabelledClaim {
  id: string;
  line: LineOfBusiness;
  /** The policy's insured-object description ("blue sedan"). */
  insuredObject: string;
  claimedPeril: string;
  coverage: string[];
  exclusions: string[];
  expected: ModelCheckKind[];
  /** Photo files (labels file) or rendered scenes. */
  photos: Array<{ file: string } | { scene: SceneSpec }>;
}

/** The synthetic policies the scene sets use (the demo's, src/demo/claim-scenarios.ts). */
const POLICY: Record<LineOfBusiness, { coverage: string[]; exclusions: string[] }> = {
  auto: { coverage: ['collision', 'hail', 'fire', 'glass'], exclusions: ['wear_and_tear'] },
  property: { coverage: ['fire', 'hail', 'glass'], exclusions: ['wear_and_tear', 'flood'] },
};

/** The peril a scene's damage is (prompt-set keys). */
export const DAMAGE_PERIL: Record<SceneDamage, string> = {
  none: 'none',
  dents: 'collision',
  'broken glass': 'glass',
  fire: 'fire',
  flood: 'flood',
  hail: 'hail',
  rust: 'wear_and_tear',
};

/** What a correct service flags for a one-photo claim of this scene. */
export function expectedFlags(
  truth: string,
  claimedPeril: string,
  exclusions: readonly string[],
  sceneObject: string,
  insuredObject: string,
): ModelCheckKind[] {
  const expected: ModelCheckKind[] = [];
  if (truth !== 'none' && truth !== claimedPeril && !exclusions.includes(truth)) expected.push('peril_mismatch');
  if (exclusions.includes(truth)) expected.push('exclusion_evident');
  if (sceneObject !== insuredObject) expected.push('object_mismatch');
  if (truth === 'none') expected.push('no_visible_damage');
  return expected;
}

/**
 * `count` one-photo claims drawn from `seed` (deterministic): a random scene, the policy of its line,
 * half the time the true peril claimed (when covered) and otherwise another covered one; the insured
 * object is the scene's in 4 of 5 claims and another object of the same line otherwise.
 */
export function sceneClaims(count: number, seed: number): LabelledClaim[] {
  const claims: LabelledClaim[] = [];
  for (let index = 0; index < count; index += 1) {
    const scene = randomSceneSpec((seed + index) >>> 0);
    const rng = mulberry32(deriveSeed(seed + index, 0x6e7a1));
    const line: LineOfBusiness = isVehicle(scene.object) ? 'auto' : 'property';
    const { coverage, exclusions } = POLICY[line];
    const truth = DAMAGE_PERIL[scene.damage];
    const claimedPeril =
      coverage.includes(truth) && chance(rng, 0.5)
        ? truth
        : pick(
            rng,
            coverage.filter((peril) => peril !== truth),
          );
    const objects: readonly string[] = line === 'auto' ? SCENE_VEHICLES : SCENE_BUILDINGS;
    const insured = chance(rng, 0.8)
      ? scene.object
      : pick(
          rng,
          objects.filter((object) => object !== scene.object),
        );
    claims.push({
      id: `scene-${seed + index}`,
      line,
      insuredObject: insured,
      claimedPeril,
      coverage,
      exclusions,
      expected: expectedFlags(truth, claimedPeril, exclusions, scene.object, insured),
      photos: [{ scene }],
    });
  }
  return claims;
}

export async function photoBytes(photo: LabelledClaim['photos'][number]): Promise<Buffer> {
  return 'scene' in photo ? renderScene(photo.scene) : fs.promises.readFile(photo.file);
}

function fail(source: string, where: string, message: string): never {
  throw new Error(`${source}: ${where}: ${message}`);
}

function stringList(value: unknown, source: string, where: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string')
    return value
      .split(';')
      .map((item) => item.trim())
      .filter(Boolean);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return fail(source, where, 'expected a list of strings (or a ;-separated string)');
}

function toClaim(raw: Record<string, unknown>, source: string, where: string, baseDir: string): LabelledClaim {
  const line = raw.line;
  if (typeof line !== 'string' || !(LINES_OF_BUSINESS as readonly string[]).includes(line))
    fail(source, where, `line must be one of ${LINES_OF_BUSINESS.join(', ')}`);
  for (const field of ['insuredObject', 'claimedPeril'] as const)
    if (typeof raw[field] !== 'string' || raw[field] === '') fail(source, where, `${field} is required`);
  const photos = stringList(raw.photos, source, where);
  if (photos.length === 0) fail(source, where, 'photos: at least one photo file is required');
  const expected = stringList(raw.expected, source, where);
  for (const kind of expected)
    if (!(MODEL_CHECK_KINDS as readonly string[]).includes(kind))
      fail(source, where, `expected: unknown check ${kind} (model checks: ${MODEL_CHECK_KINDS.join(', ')})`);
  const coverage = stringList(raw.coverage, source, where);
  return {
    id: typeof raw.id === 'string' && raw.id ? raw.id : where,
    line: line as LineOfBusiness,
    insuredObject: raw.insuredObject as string,
    claimedPeril: raw.claimedPeril as string,
    coverage: coverage.length > 0 ? coverage : [raw.claimedPeril as string],
    exclusions: stringList(raw.exclusions, source, where),
    expected: expected as ModelCheckKind[],
    photos: photos.map((file) => ({ file: path.resolve(baseDir, file) })),
  };
}

/** Splits one CSV line (RFC 4180 quoting). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        current += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(current);
      current = '';
    } else current += char;
  }
  fields.push(current);
  return fields;
}

/**
 * Reads a labels file (format in src/governance/README.md): JSON `{"claims": [LabelledClaim-like]}` or
 * CSV with the header `id,line,insuredObject,claimedPeril,coverage,exclusions,photos,expected` (lists
 * `;`-separated). Photo paths are relative to the labels file.
 */
export function readLabelsFile(file: string): LabelledClaim[] {
  const text = fs.readFileSync(file, 'utf8');
  const baseDir = path.dirname(path.resolve(file));
  if (file.toLowerCase().endsWith('.csv')) {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    if (lines.length < 2) fail(file, 'file', 'a header and at least one claim are required');
    const header = csvFields(lines[0]).map((field) => field.trim());
    for (const column of ['line', 'insuredObject', 'claimedPeril', 'photos', 'expected'])
      if (!header.includes(column)) fail(file, 'header', `column ${column} is missing`);
    return lines.slice(1).map((line, index) => {
      const fields = csvFields(line);
      const raw = Object.fromEntries(header.map((name, column) => [name, fields[column] ?? '']));
      return toClaim(raw, file, `line ${index + 2}`, baseDir);
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(file, 'file', `not JSON (${(error as Error).message}); CSV files must end in .csv`);
  }
  const claims = (parsed as { claims?: unknown }).claims;
  if (!Array.isArray(claims) || claims.length === 0) fail(file, 'file', 'expected {"claims": [...]} with claims');
  return claims.map((raw, index) => {
    if (typeof raw !== 'object' || raw === null) fail(file, `claims[${index}]`, 'expected an object');
    return toClaim(raw as Record<string, unknown>, file, `claims[${index}]`, baseDir);
  });
}
