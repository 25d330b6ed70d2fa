/**
 * Caption vocabulary of the fixture model: templates over the scene attributes, with synonyms and
 * partial captions (object only, colour only, damage only, ...). Every caption carries the set of
 * scene attributes it is consistent with (bit masks), which the trainer uses as soft contrastive
 * targets: "a photo of a car" is a correct caption for every sedan, SUV and van in a batch.
 */
import {
  SCENE_COLOURS,
  SCENE_DAMAGES,
  SCENE_OBJECTS,
  SceneColour,
  SceneDamage,
  SceneObject,
  article,
} from '../../tools/scenes/scene-renderer';
import { Rng, pick } from '../../tools/scenes/prng';

export type CaptionGroup =
  'full' | 'object' | 'object+colour' | 'object+damage' | 'colour' | 'damage' | 'colour+damage';

export interface Caption {
  text: string;
  /** Which attributes the caption states. */
  group: CaptionGroup;
  /** Bit i set: consistent with SCENE_OBJECTS[i]. */
  objects: number;
  /** Bit i set: consistent with SCENE_COLOURS[i]. */
  colours: number;
  /** Bit i set: consistent with SCENE_DAMAGES[i]. */
  damages: number;
}

const ALL_OBJECTS = (1 << SCENE_OBJECTS.length) - 1;
const ALL_COLOURS = (1 << SCENE_COLOURS.length) - 1;
const ALL_DAMAGES = (1 << SCENE_DAMAGES.length) - 1;

function bits<T>(all: readonly T[], members: readonly T[]): number {
  let m = 0;
  for (const x of members) {
    const i = all.indexOf(x);
    if (i < 0) throw new Error(`unknown attribute ${String(x)}`);
    m |= 1 << i;
  }
  return m;
}

const objBit = (o: SceneObject): number => bits(SCENE_OBJECTS, [o]);
const colBit = (c: SceneColour): number => bits(SCENE_COLOURS, [c]);
const dmgBit = (d: SceneDamage): number => bits(SCENE_DAMAGES, [d]);

/** Names that denote exactly one object kind. */
export const OBJECT_NAMES: Record<SceneObject, readonly string[]> = {
  sedan: ['sedan'],
  suv: ['suv'],
  'pickup truck': ['pickup truck', 'pickup', 'truck'],
  van: ['van'],
  motorcycle: ['motorcycle', 'motorbike'],
  house: ['house', 'home'],
  'apartment building': ['apartment building', 'apartment block'],
  barn: ['barn'],
  garage: ['garage'],
};

/** Group names that cover several object kinds. */
export const OBJECT_GROUPS: ReadonlyArray<{ name: string; members: readonly SceneObject[] }> = [
  { name: 'car', members: ['sedan', 'suv', 'van'] },
  { name: 'vehicle', members: ['sedan', 'suv', 'pickup truck', 'van', 'motorcycle'] },
  { name: 'building', members: ['house', 'apartment building', 'barn', 'garage'] },
  { name: 'property', members: ['house', 'apartment building', 'barn', 'garage'] },
];

/** Noun phrases for each damage kind (first = canonical). */
export const DAMAGE_NAMES: Record<SceneDamage, readonly string[]> = {
  none: ['no damage'],
  dents: ['dents', 'dent damage', 'collision damage'],
  'broken glass': ['broken glass', 'a broken window', 'shattered glass', 'broken windows', 'cracked glass'],
  fire: ['fire damage', 'fire', 'smoke damage', 'flames and smoke', 'burn damage'],
  flood: ['flood damage', 'water damage', 'flooding', 'flood water'],
  hail: ['hail damage', 'hail', 'hailstones'],
  rust: ['rust', 'wear and tear', 'rust damage', 'corrosion'],
};

/** Adjectives for the same ("a dented red sedan"); empty when none reads naturally. */
export const DAMAGE_ADJECTIVES: Record<SceneDamage, readonly string[]> = {
  none: ['undamaged', 'intact'],
  dents: ['dented'],
  'broken glass': [],
  fire: ['burning', 'burnt', 'fire-damaged'],
  flood: ['flooded', 'water-damaged'],
  hail: ['hail-damaged'],
  rust: ['rusty', 'rusted', 'worn'],
};

/** Zero-shot evaluation prompts, one per attribute value (the training templates produce them too). */
export const EVAL_PROMPTS = {
  object: SCENE_OBJECTS.map((o) => `a photo of ${article(o)} ${o}`),
  colour: SCENE_COLOURS.map((c) => `a photo of something ${c}`),
  damage: SCENE_DAMAGES.map((d) =>
    d === 'none' ? 'a photo of something undamaged' : `a photo of ${DAMAGE_NAMES[d][0]}`,
  ),
} as const;

/**
 * Prompts the validation service uses (or is likely to use). Part of the merge-learning corpus so
 * that they tokenize into few tokens; most also appear among the training captions.
 */
export const SERVICE_PROMPTS: readonly string[] = [
  'a photo of a car',
  'a photo of a vehicle',
  'a photo of a truck',
  'a photo of a motorcycle',
  'a photo of a building',
  'a photo of a house',
  'a photo of a home',
  'a photo of a roof',
  'a photo of a damaged car',
  'a photo of a damaged building',
  'a photo of a damaged roof',
  'a photo of an undamaged car',
  'a photo of an undamaged building',
  'undamaged',
  'no damage',
  'damaged',
  'water damage',
  'flood',
  'flood damage',
  'wear and tear',
  'rust',
  'broken window',
  'broken glass',
  'fire damage',
  'smoke',
  'smoke damage',
  'hail damage',
  'hail',
  'dented',
  'dents',
  'collision',
  'collision damage',
  'roof',
  'roof damage',
  'vehicle',
  'house',
  'a blurry photo',
  'a dark photo',
  'a photo of a document',
  'a screenshot',
  'a photo of a person',
  'a photo of an animal',
  'a photo of food',
  'a photo of a landscape',
];

function cap(text: string, objects: number, colours: number, damages: number): Caption {
  const stated = [
    objects !== ALL_OBJECTS ? 'object' : '',
    colours !== ALL_COLOURS ? 'colour' : '',
    damages !== ALL_DAMAGES ? 'damage' : '',
  ]
    .filter(Boolean)
    .join('+');
  if (!stated) throw new Error(`caption "${text}" states no attribute`);
  const group = (stated === 'object+colour+damage' ? 'full' : stated) as CaptionGroup;
  return { text, group, objects, colours, damages };
}

const withArticle = (phrase: string): string => `${article(phrase)} ${phrase}`;

/** Full captions (object, colour and damage all stated) for one scene. */
export function fullCaptions(o: SceneObject, c: SceneColour, d: SceneDamage): Caption[] {
  const out: Caption[] = [];
  const ob = objBit(o);
  const cb = colBit(c);
  const db = dmgBit(d);
  for (const name of OBJECT_NAMES[o]) {
    const cn = `${c} ${name}`;
    if (d === 'none') {
      out.push(cap(`a photo of an undamaged ${cn}`, ob, cb, db));
      out.push(cap(`an undamaged ${cn}`, ob, cb, db));
      out.push(cap(`a photo of ${withArticle(cn)} with no damage`, ob, cb, db));
      out.push(cap(`${withArticle(cn)} with no damage`, ob, cb, db));
      out.push(cap(`a photo of an intact ${cn}`, ob, cb, db));
    } else {
      for (const dn of DAMAGE_NAMES[d]) {
        out.push(cap(`a photo of ${withArticle(cn)} with ${dn}`, ob, cb, db));
        out.push(cap(`${withArticle(cn)} with ${dn}`, ob, cb, db));
        out.push(cap(`${dn} on ${withArticle(cn)}`, ob, cb, db));
      }
      for (const adj of DAMAGE_ADJECTIVES[d]) {
        out.push(cap(`a photo of ${withArticle(`${adj} ${cn}`)}`, ob, cb, db));
      }
    }
  }
  return out;
}

/** Partial captions (some attribute left open) that are true of one scene. */
export function partialCaptions(o: SceneObject, c: SceneColour, d: SceneDamage): Caption[] {
  const out: Caption[] = [];
  const cb = colBit(c);
  const db = dmgBit(d);
  const damaged = ALL_DAMAGES & ~dmgBit('none');
  const objectNames: Array<{ name: string; mask: number }> = [
    ...OBJECT_NAMES[o].map((name) => ({ name, mask: objBit(o) })),
    ...OBJECT_GROUPS.filter((g) => g.members.includes(o)).map((g) => ({
      name: g.name,
      mask: bits(SCENE_OBJECTS, g.members),
    })),
  ];
  for (const { name, mask } of objectNames) {
    // object only
    out.push(cap(`a photo of ${withArticle(name)}`, mask, ALL_COLOURS, ALL_DAMAGES));
    out.push(cap(withArticle(name), mask, ALL_COLOURS, ALL_DAMAGES));
    // object + colour
    out.push(cap(`a photo of ${withArticle(`${c} ${name}`)}`, mask, cb, ALL_DAMAGES));
    out.push(cap(withArticle(`${c} ${name}`), mask, cb, ALL_DAMAGES));
    // object + damage
    if (d === 'none') {
      out.push(cap(`a photo of an undamaged ${name}`, mask, ALL_COLOURS, db));
      out.push(cap(`${withArticle(name)} with no damage`, mask, ALL_COLOURS, db));
    } else {
      out.push(cap(`a photo of a damaged ${name}`, mask, ALL_COLOURS, damaged));
      for (const dn of DAMAGE_NAMES[d]) {
        out.push(cap(`a photo of ${withArticle(name)} with ${dn}`, mask, ALL_COLOURS, db));
        out.push(cap(`${dn} on ${withArticle(name)}`, mask, ALL_COLOURS, db));
      }
      for (const adj of DAMAGE_ADJECTIVES[d])
        out.push(cap(`a photo of ${withArticle(`${adj} ${name}`)}`, mask, ALL_COLOURS, db));
    }
  }
  // colour only
  out.push(cap(`a photo of something ${c}`, ALL_OBJECTS, cb, ALL_DAMAGES));
  out.push(cap(`something ${c}`, ALL_OBJECTS, cb, ALL_DAMAGES));
  out.push(cap(`a ${c} object`, ALL_OBJECTS, cb, ALL_DAMAGES));
  // damage only
  if (d === 'none') {
    out.push(cap('a photo of something undamaged', ALL_OBJECTS, ALL_COLOURS, db));
    out.push(cap('undamaged', ALL_OBJECTS, ALL_COLOURS, db));
    out.push(cap('no damage', ALL_OBJECTS, ALL_COLOURS, db));
  } else {
    out.push(cap('a photo of something damaged', ALL_OBJECTS, ALL_COLOURS, damaged));
    for (const dn of DAMAGE_NAMES[d]) {
      out.push(cap(`a photo of ${dn}`, ALL_OBJECTS, ALL_COLOURS, db));
      out.push(cap(dn, ALL_OBJECTS, ALL_COLOURS, db));
    }
    for (const adj of DAMAGE_ADJECTIVES[d]) out.push(cap(adj, ALL_OBJECTS, ALL_COLOURS, db));
  }
  // colour + damage
  if (d !== 'none') out.push(cap(`something ${c} with ${DAMAGE_NAMES[d][0]}`, ALL_OBJECTS, cb, db));
  return out;
}

/**
 * Draws `k` captions for a scene: with probability `pFull` a full caption, otherwise a partial one
 * from a uniformly chosen group (object only, colour only, damage only, object+colour, ...), so
 * that short prompts like "a photo of something red" are seen as often as any other kind.
 */
export function sampleCaptions(
  rng: Rng,
  o: SceneObject,
  c: SceneColour,
  d: SceneDamage,
  k: number,
  pFull = 0.5,
): Caption[] {
  const full = fullCaptions(o, c, d);
  const groups = new Map<CaptionGroup, Caption[]>();
  for (const p of partialCaptions(o, c, d)) {
    const list = groups.get(p.group) ?? [];
    list.push(p);
    groups.set(p.group, list);
  }
  const partial = [...groups.values()];
  const out: Caption[] = [];
  for (let i = 0; i < k; i++) out.push(rng() < pFull ? pick(rng, full) : pick(rng, pick(rng, partial)));
  return out;
}

/** Every caption text the templates can produce, plus the eval and service prompts (deduplicated, sorted). */
export function captionCorpus(): string[] {
  const set = new Set<string>();
  for (const o of SCENE_OBJECTS)
    for (const c of SCENE_COLOURS)
      for (const d of SCENE_DAMAGES) {
        for (const x of fullCaptions(o, c, d)) set.add(x.text);
        for (const x of partialCaptions(o, c, d)) set.add(x.text);
      }
  for (const list of Object.values(EVAL_PROMPTS)) for (const p of list) set.add(p);
  for (const p of SERVICE_PROMPTS) set.add(p);
  return [...set].sort();
}
