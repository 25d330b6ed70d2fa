/**
 * Procedural "claim photo" renderer: draws a vehicle or building with a colour and a kind of damage
 * as SVG and rasterises it with sharp (librsvg). Output is fully deterministic for a given spec.
 *
 * Used to train and evaluate the small CLIP-style fixture model (models/train/), by tests (known
 * content, unusable images via `lighting: 'dark'` / `blur`) and by the demo.
 *
 * Every seed varies the sky, ground, horizon, clutter, object position/scale/orientation/proportions,
 * camera roll/zoom, vignette, tint and JPEG quality, so different seeds never look like duplicates.
 */
import sharp from '../../src/common/sharp';
import { chance, deriveSeed, mulberry32, pick, randInt, Rng, uniform } from './prng';

export { mulberry32, deriveSeed } from './prng';
export type { Rng } from './prng';

export const SCENE_VEHICLES = ['sedan', 'suv', 'pickup truck', 'van', 'motorcycle'] as const;
export const SCENE_BUILDINGS = ['house', 'apartment building', 'barn', 'garage'] as const;
export const SCENE_OBJECTS = [...SCENE_VEHICLES, ...SCENE_BUILDINGS] as const;
export const SCENE_COLOURS = ['red', 'blue', 'green', 'white', 'black', 'silver', 'yellow'] as const;
/** `rust` stands for wear and tear. */
export const SCENE_DAMAGES = ['none', 'dents', 'broken glass', 'fire', 'flood', 'hail', 'rust'] as const;

export type SceneObject = (typeof SCENE_OBJECTS)[number];
export type SceneColour = (typeof SCENE_COLOURS)[number];
export type SceneDamage = (typeof SCENE_DAMAGES)[number];

export interface SceneSpec {
  object: SceneObject;
  colour: SceneColour;
  damage: SceneDamage;
  /** Layout seed: background, clutter, placement, camera, damage placement. */
  seed: number;
  /** Output width in pixels (default 640). */
  width?: number;
  /** Output height in pixels (default 480). */
  height?: number;
  /** 'dark' renders a badly under-exposed photo (mean luminance roughly a fifth of normal). */
  lighting?: 'normal' | 'dark';
  /** Gaussian blur sigma in output pixels (0 or undefined = sharp). */
  blur?: number;
  /**
   * Extra photographic variety (used by the fixture model's training set). Absent, the scene renders exactly
   * as it did before this option existed: no field changes a random draw, each only scales or adds to one.
   */
  variety?: SceneVariety;
}

/** Ground covers a varied scene may have instead of its seed's ground colours (the texture stays). */
export const VARIETY_GROUNDS = ['clay', 'snow', 'gravel', 'leaves', 'wet'] as const;

/**
 * Optional variation of a scene beyond what its seed varies. Every field is optional; `randomSceneVariety`
 * draws all of them within ranges where the scene's labels stay true (never as dark as `lighting: 'dark'`).
 */
export interface SceneVariety {
  /** Exposure gain on top of the seed's (1 = as drawn): dim to bright, 0.6–1.35 in `randomSceneVariety`. */
  exposure?: number;
  /** Contrast about mid-grey (1 = as drawn). */
  contrast?: number;
  /** A colour cast over the whole photo (sodium light, shade, dusk), stronger than the seed's tint. */
  cast?: { colour: string; opacity: number };
  /** Paint shade within its colour name: hue, saturation and lightness offsets added to the seed's paint. */
  paint?: { dh: number; ds: number; dl: number };
  /** Another ground cover (its colours only; the seed's texture and layout stay). */
  ground?: (typeof VARIETY_GROUNDS)[number];
  /** Camera: extra roll in degrees, zoom factor (below 1 pulls back, above 1 closes in), horizontal skew in degrees. */
  roll?: number;
  zoom?: number;
  skew?: number;
  /** Size factor of the damage marks (dents, hail pits, rust, soot, cracks). */
  damageScale?: number;
}

export interface SceneConstraints {
  object?: SceneObject;
  colour?: SceneColour;
  damage?: SceneDamage;
  objects?: readonly SceneObject[];
  colours?: readonly SceneColour[];
  damages?: readonly SceneDamage[];
  width?: number;
  height?: number;
  lighting?: 'normal' | 'dark';
  blur?: number;
}

export const DEFAULT_SCENE_WIDTH = 640;
export const DEFAULT_SCENE_HEIGHT = 480;

export function isVehicle(object: SceneObject): boolean {
  return (SCENE_VEHICLES as readonly string[]).includes(object);
}

/**
 * A random spec. With a numeric seed, the spec's attributes come from a stream derived from the seed
 * and the spec keeps that seed as its layout seed; with an rng, a fresh layout seed is drawn from it.
 */
export function randomSceneSpec(seedOrRng: number | Rng, constraints: SceneConstraints = {}): SceneSpec {
  let rng: Rng;
  let seed: number;
  if (typeof seedOrRng === 'number') {
    seed = seedOrRng >>> 0;
    rng = mulberry32(deriveSeed(seed, 0x5ce7e));
  } else {
    rng = seedOrRng;
    seed = Math.floor(rng() * 4294967296) >>> 0;
  }
  const object = constraints.object ?? pick(rng, constraints.objects ?? SCENE_OBJECTS);
  const colour = constraints.colour ?? pick(rng, constraints.colours ?? SCENE_COLOURS);
  const damage = constraints.damage ?? pick(rng, constraints.damages ?? SCENE_DAMAGES);
  const spec: SceneSpec = { object, colour, damage, seed };
  if (constraints.width !== undefined) spec.width = constraints.width;
  if (constraints.height !== undefined) spec.height = constraints.height;
  if (constraints.lighting !== undefined) spec.lighting = constraints.lighting;
  if (constraints.blur !== undefined) spec.blur = constraints.blur;
  return spec;
}

/** Noun phrase of a damage kind as used in captions ("hail damage", "dents", ...). */
export const DAMAGE_PHRASES: Record<SceneDamage, string> = {
  none: 'no damage',
  dents: 'dents',
  'broken glass': 'broken glass',
  fire: 'fire damage',
  flood: 'flood damage',
  hail: 'hail damage',
  rust: 'rust',
};

/** 'a' or 'an' for the word that follows. */
export function article(nextWord: string): 'a' | 'an' {
  const w = nextWord.toLowerCase();
  if (w.startsWith('suv') || w.startsWith('undamaged')) return 'an';
  return /^[aeio]/.test(w) ? 'an' : 'a';
}

/** Canonical caption, e.g. "a photo of a red sedan with hail damage", "a photo of an undamaged blue house". */
export function sceneCaption(spec: Pick<SceneSpec, 'object' | 'colour' | 'damage'>): string {
  if (spec.damage === 'none') return `a photo of an undamaged ${spec.colour} ${spec.object}`;
  return `a photo of ${article(spec.colour)} ${spec.colour} ${spec.object} with ${DAMAGE_PHRASES[spec.damage]}`;
}

// ---------------------------------------------------------------------------------------------
// colour helpers

function hsl(h: number, s: number, l: number): string {
  const hh = (((h % 360) + 360) % 360) / 360;
  const ss = Math.max(0, Math.min(1, s / 100));
  const ll = Math.max(0, Math.min(1, l / 100));
  const q = ll < 0.5 ? ll * (1 + ss) : ll + ss - ll * ss;
  const p = 2 * ll - q;
  const hue = (t: number): number => {
    let x = t;
    if (x < 0) x += 1;
    if (x > 1) x -= 1;
    if (x < 1 / 6) return p + (q - p) * 6 * x;
    if (x < 1 / 2) return q;
    if (x < 2 / 3) return p + (q - p) * (2 / 3 - x) * 6;
    return p;
  };
  const hex = (v: number): string =>
    Math.round(Math.max(0, Math.min(1, v)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(hue(hh + 1 / 3))}${hex(hue(hh))}${hex(hue(hh - 1 / 3))}`;
}

/** Base paint (h, s, l) of each colour name plus per-scene jitter ranges. */
const PAINT: Record<SceneColour, { h: number; s: number; l: number; dh: number; ds: number; dl: number }> = {
  red: { h: 356, s: 72, l: 42, dh: 5, ds: 8, dl: 5 },
  blue: { h: 216, s: 66, l: 42, dh: 6, ds: 8, dl: 5 },
  green: { h: 135, s: 55, l: 34, dh: 8, ds: 8, dl: 4 },
  white: { h: 40, s: 10, l: 94, dh: 20, ds: 6, dl: 2 },
  black: { h: 220, s: 6, l: 11, dh: 20, ds: 4, dl: 3 },
  silver: { h: 210, s: 7, l: 69, dh: 10, ds: 3, dl: 4 },
  yellow: { h: 48, s: 90, l: 52, dh: 4, ds: 6, dl: 4 },
};

function paintColour(rng: Rng, colour: SceneColour, shift?: SceneVariety['paint']): string {
  const p = PAINT[colour];
  const h = p.h + uniform(rng, -p.dh, p.dh);
  const s = p.s + uniform(rng, -p.ds, p.ds);
  const l = p.l + uniform(rng, -p.dl, p.dl);
  return shift ? hsl(h + shift.dh, s + shift.ds, l + shift.dl) : hsl(h, s, l);
}

/** Paint shifts that keep each colour name true (a darker red is still red; white never turns grey). */
const PAINT_SHIFT: Record<SceneColour, { dh: number; ds: number; dl: readonly [number, number] }> = {
  red: { dh: 8, ds: 15, dl: [-12, 10] },
  blue: { dh: 14, ds: 15, dl: [-14, 14] },
  green: { dh: 18, ds: 15, dl: [-10, 14] },
  white: { dh: 30, ds: 4, dl: [-6, 4] },
  black: { dh: 40, ds: 6, dl: [-5, 7] },
  silver: { dh: 30, ds: 3, dl: [-8, 8] },
  yellow: { dh: 6, ds: 10, dl: [-8, 8] },
};

/** Ground colours (near, far) of the variety grounds. */
const VARIETY_GROUND_COLOURS: Record<(typeof VARIETY_GROUNDS)[number], { near: HslRange; far: HslRange }> = {
  clay: { near: [12, 24, 35, 50, 30, 40], far: [15, 28, 30, 45, 44, 54] },
  snow: { near: [200, 220, 8, 20, 86, 93], far: [200, 220, 6, 15, 90, 96] },
  gravel: { near: [30, 40, 4, 10, 40, 50], far: [30, 40, 4, 10, 55, 65] },
  leaves: { near: [18, 38, 50, 70, 32, 44], far: [25, 45, 40, 60, 44, 54] },
  wet: { near: [205, 225, 5, 12, 16, 24], far: [205, 225, 5, 12, 30, 40] },
};

const CASTS = ['#ff9a3c', '#ffc070', '#5b8cff', '#8fb8ff', '#9cff9c', '#ff70a0', '#ffffff', '#402010'] as const;

/**
 * A random variety for a scene of this colour, from `rng` (deterministic): dim to bright exposure, a colour
 * cast, another paint shade of the same colour name, a different ground in 2 of 5, camera roll/zoom/skew and
 * damage marks from 0.75× to 1.4× their size.
 */
export function randomSceneVariety(rng: Rng, colour: SceneColour): SceneVariety {
  const shift = PAINT_SHIFT[colour];
  const variety: SceneVariety = {
    exposure: uniform(rng, 0.6, 1.35),
    contrast: uniform(rng, 0.8, 1.2),
    cast: { colour: pick(rng, CASTS), opacity: uniform(rng, 0, 0.22) },
    paint: {
      dh: uniform(rng, -shift.dh, shift.dh),
      ds: uniform(rng, -shift.ds, shift.ds),
      dl: uniform(rng, ...shift.dl),
    },
    roll: uniform(rng, -7, 7),
    zoom: uniform(rng, 0.82, 1.18),
    skew: uniform(rng, -6, 6),
    damageScale: uniform(rng, 0.75, 1.4),
  };
  if (chance(rng, 0.4)) variety.ground = pick(rng, VARIETY_GROUNDS);
  return variety;
}

const f = (v: number): string => (Math.round(v * 10) / 10).toString();

// ---------------------------------------------------------------------------------------------
// object drawings, in a local frame: x in [-w/2, w/2], y in [-h, 0] (y = 0 on the ground)

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface ObjectDrawing {
  width: number;
  height: number;
  /** Shapes of the painted surface (no fill attribute; filled with the paint). */
  paintShapes: string[];
  /** Drawn after the paint and before damage (roofs, doors, trims): part of the damageable surface. */
  under: string;
  /** Extra shapes (no fill) that belong to the damageable surface, e.g. roofs. */
  extraSurface: string[];
  /** Window shapes (no fill). */
  glassShapes: string[];
  glassBoxes: Box[];
  /** Drawn last: wheels, lights, handlebars. */
  over: string;
  /** Region where dents, rust, hail pits are scattered. */
  surface: Box;
  /** Points where flames start. */
  flameAnchors: Array<[number, number]>;
}

function rect(x: number, y: number, w: number, h: number, extra = ''): string {
  return `<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h)}"${extra}/>`;
}

function poly(points: Array<[number, number]>, extra = ''): string {
  return `<polygon points="${points.map(([x, y]) => `${f(x)},${f(y)}`).join(' ')}"${extra}/>`;
}

function wheel(x: number, y: number, r: number, rng: Rng): string {
  const rim = pick(rng, ['#b9bdc2', '#8d9196', '#d6d8da', '#505458']);
  const spokes: string[] = [];
  const n = randInt(rng, 4, 6);
  const a0 = uniform(rng, 0, Math.PI);
  for (let i = 0; i < n; i++) {
    const a = a0 + (i * Math.PI * 2) / n;
    spokes.push(
      `<line x1="${f(x)}" y1="${f(y)}" x2="${f(x + Math.cos(a) * r * 0.52)}" y2="${f(y + Math.sin(a) * r * 0.52)}" stroke="#2a2a2a" stroke-width="${f(r * 0.08)}"/>`,
    );
  }
  return (
    `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="#1b1b1d"/>` +
    `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r * 0.58)}" fill="${rim}"/>` +
    spokes.join('') +
    `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r * 0.16)}" fill="#333"/>`
  );
}

/**
 * A car's top layer: its two wheels standing on the ground (left and right hub x, radius), any extra
 * shapes (a spare wheel), then the head- and the tail-light rectangles (x, y, width, height).
 */
function carOver(
  rng: Rng,
  [left, right, r]: [number, number, number],
  headlight: [number, number, number, number],
  taillight: [number, number, number, number],
  extra = '',
): string {
  return (
    wheel(left, -r, r, rng) +
    wheel(right, -r, r, rng) +
    extra +
    rect(...headlight, ' fill="#fff6c8"') +
    rect(...taillight, ' fill="#b3121b"')
  );
}

const GLASS_TRIM = ' fill="none" stroke="#222" stroke-width="1.6"';

/** A car: its body path is the whole painted surface, with the parts every drawing has. */
function car(
  body: string,
  width: number,
  height: number,
  parts: Omit<ObjectDrawing, 'width' | 'height' | 'paintShapes' | 'extraSurface'>,
): ObjectDrawing {
  return { width, height, paintShapes: [`<path d="${body}"/>`], extraSurface: [], ...parts };
}

function drawSedan(rng: Rng): ObjectDrawing {
  const roof = uniform(rng, -90, -80);
  const body = `M-100,-20 L-100,-46 Q-98,-54 -86,-56 L-52,-58 L-32,${f(roof + 4)} Q-26,${f(roof)} -16,${f(roof)} L34,${f(roof)} Q44,${f(roof)} 52,${f(roof + 8)} L72,-58 L93,-53 Q100,-51 100,-42 L100,-20 Z`;
  const w1: Array<[number, number]> = [
    [-46, -60],
    [-29, roof + 6],
    [6, roof + 6],
    [6, -60],
  ];
  const w2: Array<[number, number]> = [
    [11, -60],
    [11, roof + 6],
    [38, roof + 6],
    [64, -60],
  ];
  return car(body, 200, -roof, {
    under:
      `<path d="M-100,-26 L100,-26" stroke="#1e1e1e" stroke-opacity="0.5" stroke-width="5"/>` +
      `<path d="M8,-60 L8,-24 M-48,-58 L-50,-26 M60,-56 L62,-26" stroke="#000" stroke-opacity="0.35" stroke-width="1.2" fill="none"/>` +
      rect(-18, -52, 9, 2.5, ' fill="#333"') +
      rect(30, -52, 9, 2.5, ' fill="#333"'),
    glassShapes: [poly(w1), poly(w2)],
    glassBoxes: [
      { x0: -44, y0: roof + 8, x1: 4, y1: -62 },
      { x0: 13, y0: roof + 8, x1: 55, y1: -62 },
    ],
    over: carOver(rng, [-60, 62, 17], [93, -50, 6, 6], [-100, -50, 5, 7]),
    surface: { x0: -98, y0: roof + 4, x1: 98, y1: -24 },
    flameAnchors: [
      [-20, roof],
      [20, roof],
      [70, -56],
      [-70, -56],
      [0, -60],
    ],
  });
}

function drawSuv(rng: Rng): ObjectDrawing {
  const roof = uniform(rng, -112, -102);
  const hood = uniform(rng, -82, -76);
  const body = `M-96,-24 L-96,-80 L-91,${f(roof + 5)} Q-88,${f(roof)} -80,${f(roof)} L30,${f(roof)} Q40,${f(roof)} 46,${f(roof + 6)} L64,${f(hood)} L94,${f(hood + 6)} Q100,${f(hood + 8)} 100,${f(hood + 18)} L100,-24 Z`;
  const wy = roof + 7;
  return car(body, 210, -roof + 4, {
    under:
      `<path d="M-96,-30 L100,-30" stroke="#1e1e1e" stroke-opacity="0.6" stroke-width="9"/>` +
      `<path d="M-32,${f(hood)} L-33,-34 M18,${f(hood)} L19,-34" stroke="#000" stroke-opacity="0.35" stroke-width="1.2"/>` +
      rect(-84, roof - 5, 110, 3, ' fill="#2b2b2b"') +
      rect(-76, roof - 5, 3, 5, ' fill="#2b2b2b"') +
      rect(18, roof - 5, 3, 5, ' fill="#2b2b2b"') +
      `<path d="M-88,-24 A26,26 0 0 1 -36,-24 Z M36,-24 A26,26 0 0 1 88,-24 Z" fill="#262628"/>`,
    glassShapes: [
      poly([
        [-87, hood + 2],
        [-84, wy],
        [-38, wy],
        [-38, hood + 2],
      ]),
      poly([
        [-30, hood + 2],
        [-30, wy],
        [14, wy],
        [14, hood + 2],
      ]),
      poly([
        [20, hood + 2],
        [20, wy],
        [36, wy],
        [56, hood + 2],
      ]),
    ],
    glassBoxes: [
      { x0: -84, y0: wy + 2, x1: -40, y1: hood },
      { x0: -28, y0: wy + 2, x1: 12, y1: hood },
      { x0: 22, y0: wy + 2, x1: 44, y1: hood },
    ],
    over: carOver(
      rng,
      [-62, 62, 22],
      [94, hood + 10, 6, 8],
      [-97, -80, 4, 10],
      `<circle cx="-101" cy="-62" r="15" fill="#1b1b1d"/><circle cx="-101" cy="-62" r="7" fill="#555"/>`,
    ),
    surface: { x0: -94, y0: roof + 3, x1: 98, y1: -36 },
    flameAnchors: [
      [-50, roof],
      [0, roof],
      [40, roof + 4],
      [82, hood + 2],
    ],
  });
}

function drawPickup(rng: Rng): ObjectDrawing {
  const roof = uniform(rng, -114, -104);
  const bed = uniform(rng, -70, -62);
  const body = `M-100,-22 L-100,${f(bed)} L8,${f(bed)} L10,${f(roof + 4)} Q11,${f(roof)} 16,${f(roof)} L54,${f(roof)} Q62,${f(roof)} 66,${f(roof + 8)} L78,-72 L96,-68 Q100,-66 100,-56 L100,-22 Z`;
  return car(body, 200, -roof, {
    under:
      `<path d="M-100,-28 L100,-28" stroke="#1e1e1e" stroke-opacity="0.55" stroke-width="6"/>` +
      rect(-100, bed - 2, 108, 4, ' fill="#2a2a2a"') +
      `<path d="M10,-70 L11,-30" stroke="#000" stroke-opacity="0.35" stroke-width="1.2"/>`,
    glassShapes: [
      poly([
        [17, -74],
        [18, roof + 6],
        [53, roof + 6],
        [66, -74],
      ]),
    ],
    glassBoxes: [{ x0: 20, y0: roof + 8, x1: 56, y1: -76 }],
    over: carOver(rng, [-62, 64, 20], [94, -64, 6, 8], [-100, bed + 4, 5, 10]),
    surface: { x0: -98, y0: roof + 3, x1: 98, y1: -30 },
    flameAnchors: [
      [-60, bed],
      [-20, bed],
      [35, roof],
      [85, -70],
    ],
  });
}

function drawVan(rng: Rng): ObjectDrawing {
  const roof = uniform(rng, -142, -128);
  const body = `M-100,-20 L-100,${f(roof + 6)} Q-100,${f(roof)} -94,${f(roof)} L60,${f(roof)} Q70,${f(roof)} 76,${f(roof + 14)} L92,-70 Q100,-66 100,-56 L100,-20 Z`;
  const wy = roof + 12;
  return car(body, 200, -roof, {
    under:
      `<path d="M-100,-26 L100,-26" stroke="#1e1e1e" stroke-opacity="0.55" stroke-width="6"/>` +
      `<path d="M-46,${f(roof + 6)} L-46,-28 M30,${f(roof + 6)} L30,-28 M-46,${f(wy + 22)} L28,${f(wy + 22)}" stroke="#000" stroke-opacity="0.35" stroke-width="1.4"/>` +
      rect(22, -66, 7, 2.5, ' fill="#333"') +
      rect(-12, -64, 10, 2.5, ' fill="#333"'),
    glassShapes: [
      poly([
        [62, -76],
        [62, wy],
        [70, wy],
        [90, -76],
      ]),
      rect(34, wy, 24, 34),
    ],
    glassBoxes: [
      { x0: 62, y0: wy + 2, x1: 76, y1: -78 },
      { x0: 36, y0: wy + 2, x1: 56, y1: wy + 32 },
    ],
    over: carOver(rng, [-66, 66, 18], [94, -62, 6, 8], [-100, -74, 5, 14]),
    surface: { x0: -98, y0: roof + 3, x1: 98, y1: -28 },
    flameAnchors: [
      [-70, roof],
      [-20, roof],
      [30, roof],
      [80, -74],
    ],
  });
}

function drawMotorcycle(rng: Rng): ObjectDrawing {
  const tank = `M-30,-92 Q-10,-118 26,-106 Q40,-98 36,-82 L-24,-76 Q-36,-80 -30,-92 Z`;
  const fairing = `M44,-118 Q70,-120 82,-92 Q80,-74 60,-70 L40,-84 Q36,-106 44,-118 Z`;
  const tail = `M-40,-88 L-96,-100 Q-100,-92 -92,-84 L-36,-72 Z`;
  const side = `M-24,-76 L32,-80 L24,-58 L-20,-56 Z`;
  return {
    width: 200,
    height: 134,
    paintShapes: [`<path d="${tank}"/>`, `<path d="${fairing}"/>`, `<path d="${tail}"/>`, `<path d="${side}"/>`],
    under:
      `<path d="M-62,-30 L-20,-64 L40,-70 L70,-30 M40,-70 L56,-104" stroke="#2b2b2b" stroke-width="6" fill="none" stroke-linecap="round"/>` +
      rect(-22, -60, 40, 26, ' fill="#6e7176" rx="4"') +
      `<path d="M-20,-38 L-70,-26" stroke="#9a9ea3" stroke-width="5" stroke-linecap="round"/>` +
      `<path d="M-44,-90 Q-20,-96 -4,-88 L-40,-82 Z" fill="#1a1a1a"/>`,
    extraSurface: [],
    glassShapes: [
      poly([
        [50, -116],
        [64, -134],
        [74, -130],
        [68, -114],
      ]),
      `<circle cx="76" cy="-96" r="7"/>`,
    ],
    glassBoxes: [
      { x0: 56, y0: -130, x1: 68, y1: -118 },
      { x0: 72, y0: -100, x1: 80, y1: -92 },
    ],
    over:
      wheel(-62, -30, 30, rng) +
      wheel(66, -30, 30, rng) +
      `<path d="M66,-30 L50,-110 M46,-112 L30,-120" stroke="#3a3a3a" stroke-width="4" stroke-linecap="round"/>`,
    surface: { x0: -40, y0: -116, x1: 80, y1: -62 },
    flameAnchors: [
      [0, -108],
      [-50, -92],
      [56, -112],
    ],
  };
}

function roofColour(rng: Rng): string {
  return pick(rng, ['#4a3426', '#3a3b40', '#555f6a', '#5e3a2e', '#2f3136']);
}

/** A gable roof: eaves at ±halfWidth just below the wall top, ridge at the peak. */
function gable(halfWidth: number, wallTop: number, peak: number, extra = ''): string {
  return poly(
    [
      [-halfWidth, wallTop + 2],
      [0, peak],
      [halfWidth, wallTop + 2],
    ],
    extra,
  );
}

function drawHouse(rng: Rng): ObjectDrawing {
  const wallTop = uniform(rng, -118, -100);
  const peak = wallTop - uniform(rng, 50, 70);
  const glass: string[] = [];
  const boxes: Box[] = [];
  const nWin = randInt(rng, 2, 3);
  const doorX = uniform(rng, -60, 30);
  let placed = 0;
  for (let i = 0; i < 6 && placed < nWin; i++) {
    const x = -72 + i * 26 + uniform(rng, -2, 2);
    if (x + 26 > doorX - 4 && x < doorX + 30) continue;
    if (x + 26 > 74) break;
    glass.push(rect(x, wallTop + 22, 24, 30));
    boxes.push({ x0: x + 2, y0: wallTop + 24, x1: x + 22, y1: wallTop + 50 });
    placed++;
  }
  const roof = roofColour(rng);
  const chimneyX = uniform(rng, -55, 40);
  return {
    width: 200,
    height: -peak,
    paintShapes: [rect(-82, wallTop, 164, -wallTop)],
    under:
      rect(chimneyX, peak + 18, 14, 40, ` fill="${roof}"`) +
      gable(96, wallTop, peak, ` fill="${roof}"`) +
      rect(doorX, -56, 26, 56, ' fill="#5a3a22"') +
      `<circle cx="${f(doorX + 21)}" cy="-28" r="2" fill="#d4b24c"/>` +
      rect(-84, -4, 168, 4, ' fill="#777"'),
    extraSurface: [gable(96, wallTop, peak)],
    glassShapes: glass,
    glassBoxes: boxes,
    over: '',
    surface: { x0: -80, y0: peak + 10, x1: 80, y1: -6 },
    flameAnchors: [
      [-40, (wallTop + peak) / 2 + 10],
      [0, peak + 4],
      [40, (wallTop + peak) / 2 + 10],
      [boxes[0] ? (boxes[0].x0 + boxes[0].x1) / 2 : -50, wallTop + 24],
    ],
  };
}

function drawApartment(rng: Rng): ObjectDrawing {
  const floors = randInt(rng, 5, 7);
  const cols = randInt(rng, 3, 5);
  const w = uniform(rng, 130, 150);
  const floorH = 36;
  const top = -floors * floorH - 14;
  const glass: string[] = [];
  const boxes: Box[] = [];
  const cw = (w - 16) / cols;
  for (let r = 0; r < floors; r++) {
    for (let c = 0; c < cols; c++) {
      if (r === 0 && c === Math.floor(cols / 2)) continue; // entrance
      const x = -w / 2 + 8 + c * cw + cw * 0.15;
      const y = top + 16 + r * floorH;
      glass.push(rect(x, y, cw * 0.7, floorH * 0.58));
      boxes.push({ x0: x + 1, y0: y + 1, x1: x + cw * 0.7 - 1, y1: y + floorH * 0.58 - 1 });
    }
  }
  const ex = -w / 2 + 8 + Math.floor(cols / 2) * cw + cw * 0.2;
  return {
    width: 200,
    height: -top,
    paintShapes: [rect(-w / 2, top, w, -top)],
    under:
      rect(-w / 2 - 4, top - 6, w + 8, 8, ` fill="${roofColour(rng)}"`) +
      rect(ex, -34, cw * 0.6, 34, ' fill="#3b3f44"') +
      `<path d="${Array.from({ length: floors - 1 }, (_, i) => `M${f(-w / 2)},${f(top + 14 + (i + 1) * floorH)} L${f(w / 2)},${f(top + 14 + (i + 1) * floorH)}`).join(' ')}" stroke="#000" stroke-opacity="0.18" stroke-width="1.5"/>`,
    extraSurface: [],
    glassShapes: glass,
    glassBoxes: boxes,
    over: '',
    surface: { x0: -w / 2 + 2, y0: top + 4, x1: w / 2 - 2, y1: -4 },
    flameAnchors: boxes.filter((_, i) => i % 3 === 1).map((b) => [(b.x0 + b.x1) / 2, b.y1] as [number, number]),
  };
}

function drawBarn(rng: Rng): ObjectDrawing {
  const wallTop = uniform(rng, -96, -84);
  const shoulder = wallTop - 46;
  const peak = shoulder - uniform(rng, 20, 30);
  const outline = `M-90,0 L-90,${f(wallTop)} L-72,${f(shoulder)} L0,${f(peak)} L72,${f(shoulder)} L90,${f(wallTop)} L90,0 Z`;
  const roof = roofColour(rng);
  const roofPath = `M-97,${f(wallTop + 2)} L-76,${f(shoulder - 3)} L0,${f(peak - 5)} L76,${f(shoulder - 3)} L97,${f(wallTop + 2)} L88,${f(wallTop + 2)} L68,${f(shoulder + 4)} L0,${f(peak + 4)} L-68,${f(shoulder + 4)} L-88,${f(wallTop + 2)} Z`;
  const trim = pick(rng, ['#e8e6e0', '#f4f2ec', '#d9d4c8']);
  const dw = uniform(rng, 52, 64);
  const dh = uniform(rng, 58, 70);
  const door =
    rect(-dw / 2, -dh, dw, dh, ` fill="none" stroke="${trim}" stroke-width="4"`) +
    `<path d="M${f(-dw / 2)},${f(-dh)} L${f(dw / 2)},0 M${f(dw / 2)},${f(-dh)} L${f(-dw / 2)},0 M0,${f(-dh)} L0,0" stroke="${trim}" stroke-width="3"/>`;
  const ly = shoulder + 6;
  return {
    width: 200,
    height: -peak + 5,
    paintShapes: [`<path d="${outline}"/>`],
    under: `<path d="${roofPath}" fill="${roof}"/>` + door + rect(-90, -4, 180, 4, ` fill="${trim}"`),
    extraSurface: [`<path d="${roofPath}"/>`],
    glassShapes: [rect(-16, ly, 32, 26), rect(-80, -66, 20, 24), rect(60, -66, 20, 24)],
    glassBoxes: [
      { x0: -14, y0: ly + 2, x1: 14, y1: ly + 24 },
      { x0: -78, y0: -64, x1: -62, y1: -44 },
      { x0: 62, y0: -64, x1: 78, y1: -44 },
    ],
    over:
      rect(-18, ly - 2, 36, 30, ` fill="none" stroke="${trim}" stroke-width="3"`) +
      rect(-82, -68, 24, 28, ` fill="none" stroke="${trim}" stroke-width="3"`) +
      rect(58, -68, 24, 28, ` fill="none" stroke="${trim}" stroke-width="3"`),
    surface: { x0: -88, y0: shoulder, x1: 88, y1: -6 },
    flameAnchors: [
      [-45, shoulder + 8],
      [0, peak + 4],
      [45, shoulder + 8],
      [0, ly],
    ],
  };
}

function drawGarage(rng: Rng): ObjectDrawing {
  const wallTop = uniform(rng, -104, -90);
  const peak = wallTop - uniform(rng, 18, 30);
  const doorW = uniform(rng, 80, 96);
  const doorX = uniform(rng, -88, -70);
  const doorH = -wallTop - 18;
  const lines = Array.from(
    { length: 6 },
    (_, i) =>
      `M${f(doorX)},${f(-doorH + ((i + 1) * doorH) / 7)} L${f(doorX + doorW)},${f(-doorH + ((i + 1) * doorH) / 7)}`,
  ).join(' ');
  const roof = roofColour(rng);
  const wx = doorX + doorW + uniform(rng, 12, 20);
  const wx2 = Math.min(wx + 44, 60);
  return {
    width: 200,
    height: -peak,
    paintShapes: [rect(-96, wallTop, 192, -wallTop)],
    under:
      gable(102, wallTop, peak, ` fill="${roof}"`) +
      rect(doorX, -doorH, doorW, doorH, ' fill="#cfd1d3" stroke="#5a5d60" stroke-width="2"') +
      `<path d="${lines}" stroke="#8a8d90" stroke-width="1.6"/>` +
      rect(-98, -4, 196, 4, ' fill="#6b6b6b"'),
    extraSurface: [gable(102, wallTop, peak)],
    glassShapes: [rect(wx, wallTop + 24, 30, 26), rect(wx2 + 2, wallTop + 24, 30, 26)],
    glassBoxes: [
      { x0: wx + 2, y0: wallTop + 26, x1: wx + 28, y1: wallTop + 48 },
      { x0: wx2 + 4, y0: wallTop + 26, x1: wx2 + 30, y1: wallTop + 48 },
    ],
    over: '',
    surface: { x0: -94, y0: peak + 8, x1: 94, y1: -6 },
    flameAnchors: [
      [-50, wallTop - 4],
      [0, peak + 4],
      [50, wallTop - 4],
      [wx + 15, wallTop + 24],
    ],
  };
}

const DRAWINGS: Record<SceneObject, (rng: Rng) => ObjectDrawing> = {
  sedan: drawSedan,
  suv: drawSuv,
  'pickup truck': drawPickup,
  van: drawVan,
  motorcycle: drawMotorcycle,
  house: drawHouse,
  'apartment building': drawApartment,
  barn: drawBarn,
  garage: drawGarage,
};

// ---------------------------------------------------------------------------------------------
// scene pieces

function blobPath(rng: Rng, cx: number, cy: number, rx: number, ry: number, n = 9): string {
  const pts: string[] = [];
  const a0 = uniform(rng, 0, Math.PI * 2);
  for (let i = 0; i < n; i++) {
    const a = a0 + (i * Math.PI * 2) / n;
    const k = uniform(rng, 0.6, 1.15);
    pts.push(`${f(cx + Math.cos(a) * rx * k)},${f(cy + Math.sin(a) * ry * k)}`);
  }
  return `M${pts.join(' L')} Z`;
}

function inBox(rng: Rng, b: Box): [number, number] {
  return [uniform(rng, b.x0, b.x1), uniform(rng, b.y0, b.y1)];
}

interface Palette {
  skyTop: string;
  skyBottom: string;
  ground: string;
  groundFar: string;
  groundKind: 'grass' | 'asphalt' | 'dirt' | 'concrete' | 'sand';
}

/** Ranges an HSL colour is drawn from: hue min and max, saturation min and max, lightness min and max. */
type HslRange = readonly [number, number, number, number, number, number];

/** A colour drawn from the ranges (hue, then saturation, then lightness). */
function hslIn(rng: Rng, [h0, h1, s0, s1, l0, l1]: HslRange): string {
  return hsl(uniform(rng, h0, h1), uniform(rng, s0, s1), uniform(rng, l0, l1));
}

const SKY_KINDS = ['clear', 'overcast', 'evening', 'hazy', 'deep'] as const;

/** Each kind of sky's gradient, from its top to the horizon. */
const SKIES: Record<(typeof SKY_KINDS)[number], { top: HslRange; bottom: HslRange }> = {
  clear: { top: [200, 215, 55, 75, 50, 60], bottom: [195, 210, 50, 70, 80, 88] },
  overcast: { top: [200, 220, 4, 12, 52, 62], bottom: [200, 220, 4, 10, 76, 84] },
  evening: { top: [225, 250, 30, 45, 30, 42], bottom: [20, 35, 55, 75, 68, 78] },
  hazy: { top: [190, 210, 20, 35, 68, 76], bottom: [40, 60, 15, 30, 84, 90] },
  deep: { top: [210, 225, 60, 75, 36, 44], bottom: [200, 215, 50, 65, 66, 74] },
};

const GROUND_KINDS = ['grass', 'asphalt', 'dirt', 'concrete', 'sand'] as const;

/** Each kind of ground's gradient, from near the camera to the horizon (grass: near and far share a hue). */
const GROUNDS: Record<Exclude<Palette['groundKind'], 'grass'>, { near: HslRange; far: HslRange }> = {
  asphalt: { near: [200, 230, 2, 6, 26, 34], far: [200, 230, 2, 6, 42, 50] },
  dirt: { near: [25, 35, 25, 35, 34, 42], far: [28, 38, 20, 30, 48, 56] },
  concrete: { near: [30, 50, 3, 8, 52, 60], far: [30, 50, 3, 8, 64, 70] },
  sand: { near: [38, 45, 30, 42, 60, 68], far: [38, 45, 25, 35, 70, 76] },
};

function chooseBackground(rng: Rng): Palette {
  const sky = SKIES[pick(rng, SKY_KINDS)];
  const skyTop = hslIn(rng, sky.top);
  const skyBottom = hslIn(rng, sky.bottom);
  const groundKind = pick(rng, GROUND_KINDS);
  let ground: string;
  let groundFar: string;
  if (groundKind === 'grass') {
    const h = uniform(rng, 75, 105);
    ground = hsl(h, uniform(rng, 28, 40), uniform(rng, 28, 36));
    groundFar = hsl(h + 5, uniform(rng, 20, 30), uniform(rng, 40, 48));
  } else {
    ground = hslIn(rng, GROUNDS[groundKind].near);
    groundFar = hslIn(rng, GROUNDS[groundKind].far);
  }
  return { skyTop, skyBottom, ground, groundFar, groundKind };
}

function drawTree(rng: Rng, x: number, baseY: number, size: number): string {
  const trunk = hsl(uniform(rng, 20, 30), uniform(rng, 25, 40), uniform(rng, 18, 28));
  const leafH = uniform(rng, 80, 130);
  const leaf = hsl(leafH, uniform(rng, 20, 38), uniform(rng, 18, 30));
  const leaf2 = hsl(leafH + 6, uniform(rng, 20, 38), uniform(rng, 24, 34));
  if (chance(rng, 0.35)) {
    // conifer
    return (
      rect(x - size * 0.06, baseY - size * 0.3, size * 0.12, size * 0.3, ` fill="${trunk}"`) +
      poly(
        [
          [x - size * 0.35, baseY - size * 0.25],
          [x, baseY - size * 1.25],
          [x + size * 0.35, baseY - size * 0.25],
        ],
        ` fill="${leaf}"`,
      )
    );
  }
  let s = rect(x - size * 0.06, baseY - size * 0.6, size * 0.12, size * 0.6, ` fill="${trunk}"`);
  const n = randInt(rng, 3, 5);
  for (let i = 0; i < n; i++) {
    s += `<circle cx="${f(x + uniform(rng, -0.3, 0.3) * size)}" cy="${f(baseY - size * uniform(rng, 0.7, 1.05))}" r="${f(size * uniform(rng, 0.22, 0.36))}" fill="${i % 2 ? leaf : leaf2}"/>`;
  }
  return s;
}

function drawClutter(rng: Rng, x: number, baseY: number, size: number): string {
  const kind = pick(rng, ['tree', 'tree', 'bush', 'pole', 'fence', 'rock', 'sign', 'bin'] as const);
  switch (kind) {
    case 'tree':
      return drawTree(rng, x, baseY, size);
    case 'bush': {
      const c = hsl(uniform(rng, 80, 120), uniform(rng, 18, 32), uniform(rng, 20, 30));
      return `<path d="${blobPath(rng, x, baseY - size * 0.15, size * 0.35, size * 0.18)}" fill="${c}"/>`;
    }
    case 'pole': {
      const c = hsl(uniform(rng, 20, 220), 4, uniform(rng, 25, 45));
      return (
        rect(x - size * 0.025, baseY - size * 1.6, size * 0.05, size * 1.6, ` fill="${c}"`) +
        rect(x - size * 0.025, baseY - size * 1.6, size * 0.35, size * 0.04, ` fill="${c}"`)
      );
    }
    case 'fence': {
      const c = hsl(uniform(rng, 25, 40), uniform(rng, 10, 25), uniform(rng, 40, 62));
      const w = size * uniform(rng, 1, 2.2);
      const h = size * 0.3;
      let s =
        rect(x - w / 2, baseY - h * 0.8, w, h * 0.1, ` fill="${c}"`) +
        rect(x - w / 2, baseY - h * 0.45, w, h * 0.1, ` fill="${c}"`);
      for (let px = x - w / 2; px <= x + w / 2; px += h * 0.45) s += rect(px, baseY - h, h * 0.08, h, ` fill="${c}"`);
      return s;
    }
    case 'rock': {
      const c = hsl(uniform(rng, 20, 60), uniform(rng, 3, 12), uniform(rng, 35, 55));
      return `<path d="${blobPath(rng, x, baseY - size * 0.06, size * 0.14, size * 0.08, 7)}" fill="${c}"/>`;
    }
    case 'sign': {
      const c = hsl(uniform(rng, 0, 360), uniform(rng, 5, 20), uniform(rng, 55, 75));
      return (
        rect(x - size * 0.02, baseY - size * 0.8, size * 0.04, size * 0.8, ' fill="#6a6d70"') +
        rect(
          x - size * 0.16,
          baseY - size * 0.95,
          size * 0.32,
          size * 0.2,
          ` fill="${c}" stroke="#555" stroke-width="1"`,
        )
      );
    }
    default: {
      const c = hsl(uniform(rng, 150, 220), uniform(rng, 5, 15), uniform(rng, 22, 35));
      return rect(x - size * 0.1, baseY - size * 0.3, size * 0.2, size * 0.3, ` fill="${c}" rx="2"`);
    }
  }
}

function drawDistant(rng: Rng, W: number, horizon: number, palette: Palette): string {
  const kind = pick(rng, ['hills', 'skyline', 'treeline', 'none'] as const);
  const base = hsl(uniform(rng, 190, 230), uniform(rng, 5, 18), uniform(rng, 50, 65));
  if (kind === 'none') return '';
  if (kind === 'hills') {
    const pts: string[] = [`0,${f(horizon)}`];
    const n = randInt(rng, 3, 6);
    for (let i = 0; i <= n; i++) pts.push(`${f((i * W) / n)},${f(horizon - uniform(rng, 10, 70))}`);
    pts.push(`${f(W)},${f(horizon)}`);
    return `<polygon points="${pts.join(' ')}" fill="${base}" fill-opacity="0.75"/>`;
  }
  if (kind === 'skyline') {
    let s = '';
    let x = uniform(rng, -30, 0);
    while (x < W) {
      const w = uniform(rng, 25, 70);
      const h = uniform(rng, 20, 110);
      s += rect(x, horizon - h, w, h + 1, ` fill="${base}" fill-opacity="${f(uniform(rng, 0.55, 0.85))}"`);
      x += w + uniform(rng, 0, 25);
    }
    return s;
  }
  const c = hsl(uniform(rng, 85, 130), uniform(rng, 15, 30), uniform(rng, 25, 38));
  let s = '';
  for (let x = uniform(rng, -20, 0); x < W + 20; x += uniform(rng, 12, 30)) {
    s += `<circle cx="${f(x)}" cy="${f(horizon - uniform(rng, 0, 12))}" r="${f(uniform(rng, 10, 26))}" fill="${c}"/>`;
  }
  return s + `<rect x="0" y="${f(horizon - 4)}" width="${f(W)}" height="6" fill="${palette.groundFar}"/>`;
}

function groundTexture(rng: Rng, palette: Palette, W: number, H: number, horizon: number, s: number): string {
  let out = '';
  const n = randInt(rng, 40, 110);
  const light = palette.groundKind === 'asphalt' ? 10 : 6;
  for (let i = 0; i < n; i++) {
    const y = uniform(rng, horizon + 4, H);
    const depth = (y - horizon) / (H - horizon);
    const x = uniform(rng, 0, W);
    const r = (1 + depth * 5) * s * uniform(rng, 0.6, 1.4);
    const col = chance(rng, 0.5) ? '#000' : '#fff';
    out += `<ellipse cx="${f(x)}" cy="${f(y)}" rx="${f(r * 2)}" ry="${f(r * 0.6)}" fill="${col}" fill-opacity="${f(uniform(rng, 0.04, light / 60))}"/>`;
  }
  if (palette.groundKind === 'asphalt' && chance(rng, 0.6)) {
    const y = uniform(rng, horizon + (H - horizon) * 0.75, H - 6);
    const dash = uniform(rng, 30, 60) * s;
    out += `<path d="M0,${f(y)} L${f(W)},${f(y)}" stroke="${pick(rng, ['#e8e6d8', '#e0c040'])}" stroke-width="${f(4 * s)}" stroke-dasharray="${f(dash)} ${f(dash * 0.8)}" stroke-opacity="0.8"/>`;
  }
  if (palette.groundKind === 'grass') {
    const tufts = randInt(rng, 20, 50);
    let d = '';
    for (let i = 0; i < tufts; i++) {
      const y = uniform(rng, horizon + (H - horizon) * 0.3, H);
      const x = uniform(rng, 0, W);
      const h = (3 + ((y - horizon) / (H - horizon)) * 8) * s;
      d += `M${f(x)},${f(y)} l${f(-h * 0.3)},${f(-h)} M${f(x)},${f(y)} l0,${f(-h * 1.2)} M${f(x)},${f(y)} l${f(h * 0.3)},${f(-h)} `;
    }
    out += `<path d="${d}" stroke="${hsl(uniform(rng, 80, 110), 35, uniform(rng, 20, 30))}" stroke-width="${f(1.4 * s)}" stroke-opacity="0.7"/>`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// damage

/**
 * Collision damage: one or two large crumple zones (dark hollow, zig-zag creases with highlights,
 * scraped-off paint showing grey primer, long scrape streaks) plus a few smaller dents.
 */
function dentMarks(rng: Rng, surface: Box, scale: number): string {
  let s = '';
  const sw = surface.x1 - surface.x0;
  const sh = surface.y1 - surface.y0;
  const zones = randInt(rng, 1, 2);
  for (let z = 0; z < zones; z++) {
    const x = uniform(rng, surface.x0 + sw * 0.15, surface.x1 - sw * 0.15);
    const y = uniform(rng, surface.y0 + sh * 0.35, surface.y1 - sh * 0.15);
    const R = Math.max(18, Math.max(sw, sh) * uniform(rng, 0.12, 0.18)) * scale;
    const rot = uniform(rng, -25, 25);
    let g = `<ellipse cx="0" cy="0" rx="${f(R)}" ry="${f(R * 0.72)}" fill="url(#dent)"/>`;
    // primer showing through where the paint was scraped off
    const primer = pick(rng, ['#c9c9c2', '#b5b8ba', '#d8d6cf', '#9fa3a6']);
    const blobs = randInt(rng, 1, 3);
    for (let i = 0; i < blobs; i++) {
      g += `<path d="${blobPath(rng, uniform(rng, -R * 0.4, R * 0.4), uniform(rng, -R * 0.3, R * 0.3), R * uniform(rng, 0.25, 0.42), R * uniform(rng, 0.15, 0.3), 9)}" fill="${primer}" fill-opacity="0.92"/>`;
    }
    // creases
    const creases = randInt(rng, 3, 5);
    for (let i = 0; i < creases; i++) {
      const yy = uniform(rng, -R * 0.55, R * 0.55);
      const pts: string[] = [];
      const k = randInt(rng, 5, 7);
      for (let j = 0; j < k; j++) {
        const xx = -R + (2 * R * j) / (k - 1);
        pts.push(`${f(xx)},${f(yy + (j % 2 ? 1 : -1) * uniform(rng, 2, 6) * scale)}`);
      }
      const d = `M${pts.join(' L')}`;
      g += `<path d="${d}" stroke="#000" stroke-opacity="0.8" stroke-width="${f(2.6 * scale)}" fill="none"/>`;
      g += `<path d="${d}" transform="translate(0,${f(2.4 * scale)})" stroke="#fff" stroke-opacity="0.85" stroke-width="${f(1.8 * scale)}" fill="none"/>`;
    }
    s += `<g transform="translate(${f(x)},${f(y)}) rotate(${f(rot)})">${g}</g>`;
    // scrape streaks running away from the impact
    const streaks = randInt(rng, 3, 6);
    const dir = chance(rng, 0.5) ? 1 : -1;
    for (let i = 0; i < streaks; i++) {
      const sy = y + uniform(rng, -R * 0.5, R * 0.5);
      const len = uniform(rng, 1.2, 2.4) * R;
      s += `<path d="M${f(x)},${f(sy)} l${f(dir * len)},${f(uniform(rng, -4, 4))}" stroke="#e2e2de" stroke-opacity="0.9" stroke-width="${f(uniform(rng, 1.6, 3) * scale)}" stroke-linecap="round"/>`;
    }
  }
  // smaller dents elsewhere
  const n = randInt(rng, 2, 3);
  for (let i = 0; i < n; i++) {
    const [x, y] = inBox(rng, surface);
    const rx = uniform(rng, 10, 16) * scale;
    const ry = rx * uniform(rng, 0.5, 0.8);
    s +=
      `<g transform="translate(${f(x)},${f(y)}) rotate(${f(uniform(rng, -40, 40))})">` +
      `<ellipse cx="0" cy="0" rx="${f(rx)}" ry="${f(ry)}" fill="url(#dent)"/>` +
      `<path d="M${f(-rx * 0.8)},${f(ry * 0.35)} Q0,${f(-ry * 0.3)} ${f(rx * 0.8)},${f(ry * 0.3)}" stroke="#fff" stroke-opacity="0.85" stroke-width="${f(2 * scale)}" fill="none"/>` +
      `</g>`;
  }
  return s;
}

function hailPits(rng: Rng, surface: Box, scale: number): string {
  const n = randInt(rng, 60, 120);
  let s = '';
  for (let i = 0; i < n; i++) {
    const [x, y] = inBox(rng, surface);
    const r = uniform(rng, 2.2, 4.2) * scale;
    s += `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="url(#pit)"/>`;
  }
  return s;
}

/**
 * Rust patches: a pale rim of blistered, flaking paint, bright orange oxide, a dark pitted core and
 * streaks running down. Lightness and hue both differ from every paint colour, so a patch stays visible
 * on red and yellow paint too (the first version drew red-brown blobs that nearly vanished there, and
 * the fixture model learned to read plain red cars as rusty).
 */
function rustMarks(rng: Rng, surface: Box, scale: number): string {
  const n = randInt(rng, 4, 7);
  let s = '';
  const oxide = ['#d9782c', '#e38a36', '#c9661f', '#eb9a45'];
  const core = ['#3d1d0a', '#4a230c', '#55290f', '#42200b'];
  for (let i = 0; i < n; i++) {
    const [x, y] = inBox(rng, surface);
    const rx = uniform(rng, 9, 22) * scale;
    const ry = rx * uniform(rng, 0.5, 1);
    s += `<path d="${blobPath(rng, x, y, rx * 1.3, ry * 1.3, 11)}" fill="#f1e7d2" fill-opacity="${f(uniform(rng, 0.6, 0.8))}"/>`;
    s += `<path d="${blobPath(rng, x, y, rx, ry, 11)}" fill="${pick(rng, oxide)}" fill-opacity="0.95"/>`;
    s += `<path d="${blobPath(rng, x + uniform(rng, -3, 3), y, rx * 0.6, ry * 0.6, 8)}" fill="${pick(rng, core)}" fill-opacity="0.95"/>`;
    const k = randInt(rng, 2, 4);
    for (let j = 0; j < k; j++) {
      const sx = x + uniform(rng, -rx * 0.7, rx * 0.7);
      s += `<path d="M${f(sx)},${f(y)} l${f(uniform(rng, -2, 2))},${f(uniform(rng, 14, 34) * scale)}" stroke="${pick(rng, core)}" stroke-opacity="0.75" stroke-width="${f(uniform(rng, 1.5, 3.5) * scale)}" stroke-linecap="round"/>`;
    }
    for (let j = 0; j < 8; j++) {
      const c = j % 2 ? pick(rng, core) : pick(rng, oxide);
      s += `<circle cx="${f(x + uniform(rng, -rx * 1.6, rx * 1.6))}" cy="${f(y + uniform(rng, -ry * 1.5, ry * 1.5))}" r="${f(uniform(rng, 0.8, 2) * scale)}" fill="${c}" fill-opacity="0.9"/>`;
    }
  }
  return s;
}

function sootMarks(rng: Rng, surface: Box): string {
  let s = '';
  const n = randInt(rng, 3, 5);
  for (let i = 0; i < n; i++) {
    const [x, y] = inBox(rng, surface);
    const rx = uniform(rng, 20, 45);
    s += `<path d="${blobPath(rng, x, y, rx, rx * uniform(rng, 0.5, 0.9), 10)}" fill="#151210" fill-opacity="${f(uniform(rng, 0.45, 0.75))}"/>`;
  }
  return s;
}

function crackWeb(rng: Rng, b: Box, scale: number): string {
  const [cx, cy] = inBox(rng, b);
  const size = Math.max(b.x1 - b.x0, b.y1 - b.y0) * 1.3;
  const n = randInt(rng, 7, 11);
  let d = '';
  const angles: number[] = [];
  for (let i = 0; i < n; i++) angles.push((i * Math.PI * 2) / n + uniform(rng, -0.25, 0.25));
  for (const a of angles) {
    let x = cx;
    let y = cy;
    d += `M${f(x)},${f(y)}`;
    const steps = 4;
    for (let k = 0; k < steps; k++) {
      const aa = a + uniform(rng, -0.25, 0.25);
      x += (Math.cos(aa) * size) / steps;
      y += (Math.sin(aa) * size) / steps;
      d += ` L${f(x)},${f(y)}`;
    }
    d += ' ';
  }
  for (let ring = 1; ring <= 3; ring++) {
    const r = (size * ring) / 7;
    let first = true;
    for (const a of angles) {
      const rr = r * uniform(rng, 0.8, 1.2);
      d += `${first ? 'M' : 'L'}${f(cx + Math.cos(a) * rr)},${f(cy + Math.sin(a) * rr)} `;
      first = false;
    }
    d += 'Z ';
  }
  const hole = `<path d="${blobPath(rng, cx, cy, size * 0.09, size * 0.09, 7)}" fill="#0d0d0f" fill-opacity="0.85"/>`;
  return (
    `<path d="${d}" stroke="#f4f6f8" stroke-width="${f(1.7 * scale)}" fill="none" stroke-opacity="0.95"/>` +
    `<path d="${d}" stroke="#5b6066" stroke-width="${f(0.6 * scale)}" fill="none" transform="translate(${f(0.8 * scale)},${f(0.8 * scale)})" stroke-opacity="0.7"/>` +
    hole
  );
}

function flame(rng: Rng, x: number, y: number, w: number, h: number): string {
  const layer = (ww: number, hh: number, fill: string, op: number): string => {
    const tip = x + uniform(rng, -ww * 0.4, ww * 0.4);
    return `<path d="M${f(x - ww / 2)},${f(y)} Q${f(x - ww * 0.6)},${f(y - hh * 0.55)} ${f(tip)},${f(y - hh)} Q${f(x + ww * 0.6)},${f(y - hh * 0.55)} ${f(x + ww / 2)},${f(y)} Z" fill="${fill}" fill-opacity="${f(op)}"/>`;
  };
  return (
    layer(w, h, '#e03a12', 0.9) + layer(w * 0.72, h * 0.75, '#ff8a1a', 0.95) + layer(w * 0.42, h * 0.45, '#ffe25a', 1)
  );
}

// ---------------------------------------------------------------------------------------------

/** Sun (sometimes) and 0-5 clouds above the horizon. */
function drawSky(rng: Rng, W: number, horizon: number, s: number): string[] {
  const parts: string[] = [];
  if (chance(rng, 0.3)) {
    parts.push(
      `<circle cx="${f(uniform(rng, 0, W))}" cy="${f(uniform(rng, 0, horizon * 0.5))}" r="${f(uniform(rng, 12, 30) * s)}" fill="#fffbe6" fill-opacity="0.85"/>`,
    );
  }
  const clouds = randInt(rng, 0, 5);
  for (let i = 0; i < clouds; i++) {
    const cx = uniform(rng, -40, W + 40);
    const cy = uniform(rng, 0, horizon * 0.7);
    const w = uniform(rng, 50, 160) * s;
    const op = uniform(rng, 0.35, 0.85);
    let c = '';
    for (let k = 0; k < 4; k++) {
      c += `<ellipse cx="${f(cx + uniform(rng, -w / 2, w / 2))}" cy="${f(cy + uniform(rng, -8, 8) * s)}" rx="${f(w * uniform(rng, 0.25, 0.45))}" ry="${f(w * uniform(rng, 0.12, 0.22))}"/>`;
    }
    parts.push(`<g fill="#fff" fill-opacity="${f(op)}">${c}</g>`);
  }
  return parts;
}

/** The marks each damage leaves on the object's surface: dents, hail pits, rust or soot. */
const SURFACE_MARKS: Partial<Record<SceneDamage, (drng: Rng, surface: Box, damageScale: number) => string>> = {
  dents: dentMarks,
  hail: hailPits,
  rust: rustMarks,
  fire: (drng, surface) => sootMarks(drng, surface),
};

/** Dents, hail pits, rust or soot on the object's surface (clipped to it), or '' for other damage. */
function surfaceDamage(damage: SceneDamage, drng: Rng, drawing: ObjectDrawing, damageScale: number): string {
  const marks = SURFACE_MARKS[damage];
  return marks ? `<g clip-path="url(#surfclip)">${marks(drng, drawing.surface, damageScale)}</g>` : '';
}

/** Flames (and their glow) from the object's flame anchors, in the object's own coordinates. */
function flames(drng: Rng, drawing: ObjectDrawing): string {
  let fl = '';
  const anchors = drawing.flameAnchors.length ? drawing.flameAnchors : [[0, -drawing.height] as [number, number]];
  const n = randInt(drng, 3, 6);
  const size = drawing.height * 0.55;
  fl += `<ellipse cx="0" cy="${f(-drawing.height * 0.7)}" rx="${f(drawing.width * 0.6)}" ry="${f(drawing.height * 0.7)}" fill="url(#glow)"/>`;
  for (let i = 0; i < n; i++) {
    const [ax, ay] = anchors[i % anchors.length];
    const w = uniform(drng, 0.35, 0.6) * size;
    fl += flame(drng, ax + uniform(drng, -10, 10), ay + uniform(drng, 2, 8), w, uniform(drng, 0.8, 1.4) * size);
  }
  return fl;
}

/** Where the object stands in the picture, for the effects drawn around it. */
interface Placement {
  cx: number;
  top: number;
  left: number;
  groundY: number;
  objW: number;
  objH: number;
  s: number;
}

/** A smoke plume rising from the object and drifting sideways. */
function smokePlume(
  drng: Rng,
  { cx, top, objW, objH, s }: Pick<Placement, 'cx' | 'top' | 'objW' | 'objH' | 's'>,
): string {
  // smoke plume rising from the object and drifting sideways
  const drift = uniform(drng, -1.2, 1.2);
  let smoke = '';
  const puffs = randInt(drng, 14, 22);
  for (let i = 0; i < puffs; i++) {
    const t = i / puffs;
    const x = cx + uniform(drng, -objW * 0.25, objW * 0.25) + drift * t * objW * 0.8;
    const y = top + objH * 0.2 - t * (top + objH * 0.2 + 40 * s);
    const r = (18 + t * 70) * s * uniform(drng, 0.8, 1.3);
    const g = Math.round(uniform(drng, 25, 95) + t * 40);
    smoke += `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="rgb(${g},${g},${g})" fill-opacity="${f(uniform(drng, 0.45, 0.8))}"/>`;
  }
  return smoke;
}

/** Glass shards on the ground around the object. */
function glassShards(
  drng: Rng,
  { left, groundY, objW, s }: Pick<Placement, 'left' | 'groundY' | 'objW' | 's'>,
): string {
  let shards = '';
  const n = randInt(drng, 14, 30);
  for (let i = 0; i < n; i++) {
    const x = uniform(drng, left - objW * 0.1, left + objW * 1.1);
    const y = groundY + uniform(drng, -4, 30) * s;
    const r = uniform(drng, 3, 8) * s;
    shards += poly(
      [
        [x, y - r],
        [x + r * uniform(drng, 0.5, 1.2), y + r * uniform(drng, 0.2, 0.6)],
        [x - r * uniform(drng, 0.5, 1.2), y + r * uniform(drng, 0.1, 0.5)],
      ],
      ` fill="${pick(drng, ['#eef4f8', '#cfdbe4', '#ffffff', '#a9bcc9'])}" fill-opacity="0.9"`,
    );
  }
  return shards;
}

/** Hailstones lying on the ground, bigger nearer the camera. */
function hailstones(drng: Rng, W: number, H: number, horizon: number, s: number): string {
  let stones = '';
  const n = randInt(drng, 60, 140);
  for (let i = 0; i < n; i++) {
    const y = uniform(drng, horizon + 2, H);
    const depth = (y - horizon) / (H - horizon);
    const r = (1.2 + depth * 3.8) * s * uniform(drng, 0.7, 1.3);
    stones += `<circle cx="${f(uniform(drng, 0, W))}" cy="${f(y)}" r="${f(r)}" fill="#f8fbff" fill-opacity="0.92"/>`;
  }
  return stones;
}

interface FloodScene extends Pick<Placement, 'groundY' | 'objH' | 'left' | 'objW' | 's'> {
  vehicle: boolean;
  paint: string;
  W: number;
  H: number;
}

/** Water up to part of the object: gradient (its def), reflection, foam, ripples and floating debris. */
function floodWater(
  drng: Rng,
  { vehicle, groundY, objH, left, objW, paint, W, H, s }: FloodScene,
): { def: string; svg: string } {
  const sub = vehicle ? uniform(drng, 0.22, 0.42) : uniform(drng, 0.14, 0.3);
  const waterTop = Math.min(groundY - Math.min(objH * sub, H * 0.35), H * 0.86);
  const muddy = chance(drng, 0.6);
  const waterCol = muddy
    ? hsl(uniform(drng, 28, 45), uniform(drng, 25, 40), uniform(drng, 26, 36))
    : hsl(uniform(drng, 70, 190), uniform(drng, 10, 22), uniform(drng, 26, 34));
  const waterTopCol = muddy
    ? hsl(uniform(drng, 30, 45), uniform(drng, 15, 30), uniform(drng, 46, 58))
    : hsl(uniform(drng, 170, 210), uniform(drng, 10, 25), uniform(drng, 50, 62));
  const def = `<linearGradient id="water" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${waterTopCol}"/><stop offset="1" stop-color="${waterCol}"/></linearGradient>`;
  const edge: Array<[number, number]> = [];
  const n = 20;
  for (let i = 0; i <= n; i++) edge.push([(i * W) / n, waterTop + uniform(drng, -3, 3) * s]);
  const edgeD = edge.map(([x, y], i) => `${i ? 'L' : 'M'}${f(x)},${f(y)}`).join(' ');
  let water = `<path d="${edgeD} L${f(W)},${f(H + 20)} L0,${f(H + 20)} Z" fill="url(#water)" fill-opacity="${f(uniform(drng, 0.9, 0.97))}"/>`;
  // reflection of the object
  water += `<rect x="${f(left)}" y="${f(waterTop)}" width="${f(objW)}" height="${f(Math.min(objH * 0.3, H - waterTop))}" fill="${paint}" fill-opacity="0.2"/>`;
  // foam along the waterline
  water += `<path d="${edgeD}" stroke="#efe9da" stroke-opacity="0.75" stroke-width="${f(3 * s)}" fill="none"/>`;
  const ripples = randInt(drng, 30, 55);
  let d = '';
  for (let i = 0; i < ripples; i++) {
    const y = uniform(drng, waterTop + 5 * s, H);
    const x = uniform(drng, -20, W);
    const len = uniform(drng, 20, 70) * s * (0.5 + (y - waterTop) / (H - waterTop + 1));
    d += `M${f(x)},${f(y)} q${f(len / 4)},${f(-3 * s)} ${f(len / 2)},0 t${f(len / 2)},0 `;
  }
  water += `<path d="${d}" stroke="#ece6d6" stroke-opacity="0.55" stroke-width="${f(2 * s)}" fill="none"/>`;
  // floating debris
  const debris = randInt(drng, 2, 6);
  for (let i = 0; i < debris; i++) {
    water += rect(
      uniform(drng, 0, W),
      uniform(drng, waterTop + 6, H - 6),
      uniform(drng, 8, 24) * s,
      uniform(drng, 2, 5) * s,
      ` fill="${hsl(uniform(drng, 20, 40), 30, uniform(drng, 20, 35))}"`,
    );
  }
  return { def, svg: water };
}

function buildSvg(spec: SceneSpec, W: number, H: number): string {
  const rng = mulberry32(deriveSeed(spec.seed, 0x1a9e7));
  const s = Math.min(W / DEFAULT_SCENE_WIDTH, H / DEFAULT_SCENE_HEIGHT);
  const palette = chooseBackground(rng);
  const variety = spec.variety;
  if (variety?.ground) {
    const grng = mulberry32(deriveSeed(spec.seed, 0x96a0d));
    palette.ground = hslIn(grng, VARIETY_GROUND_COLOURS[variety.ground].near);
    palette.groundFar = hslIn(grng, VARIETY_GROUND_COLOURS[variety.ground].far);
  }
  const horizon = H * uniform(rng, 0.38, 0.6);
  const vehicle = isVehicle(spec.object);

  const defs: string[] = [
    `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${palette.skyTop}"/><stop offset="1" stop-color="${palette.skyBottom}"/></linearGradient>`,
    `<linearGradient id="ground" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${palette.groundFar}"/><stop offset="1" stop-color="${palette.ground}"/></linearGradient>`,
    `<linearGradient id="shade" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="${spec.colour === 'silver' ? 0.4 : 0.2}"/><stop offset="0.45" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="${spec.colour === 'silver' ? 0.3 : 0.22}"/></linearGradient>`,
    `<linearGradient id="glass" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hsl(uniform(rng, 195, 215), 25, uniform(rng, 55, 70))}"/><stop offset="1" stop-color="${hsl(uniform(rng, 200, 220), 20, uniform(rng, 22, 34))}"/></linearGradient>`,
    `<radialGradient id="dent"><stop offset="0" stop-color="#000" stop-opacity="0.7"/><stop offset="0.6" stop-color="#000" stop-opacity="0.4"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>`,
    `<radialGradient id="pit" cx="0.45" cy="0.4"><stop offset="0" stop-color="#000" stop-opacity="0.75"/><stop offset="0.65" stop-color="#000" stop-opacity="0.35"/><stop offset="0.8" stop-color="#fff" stop-opacity="0.55"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>`,
    `<radialGradient id="glow"><stop offset="0" stop-color="#ff9b30" stop-opacity="0.65"/><stop offset="1" stop-color="#ff6a00" stop-opacity="0"/></radialGradient>`,
    `<radialGradient id="vignette" cx="0.5" cy="0.5" r="0.75"><stop offset="0.55" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="${f(uniform(rng, 0, 0.45))}"/></radialGradient>`,
  ];

  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${W}" height="${f(horizon + 1)}" fill="url(#sky)"/>`);
  parts.push(...drawSky(rng, W, horizon, s));
  parts.push(drawDistant(rng, W, horizon, palette));
  parts.push(`<rect x="0" y="${f(horizon)}" width="${W}" height="${f(H - horizon)}" fill="url(#ground)"/>`);
  parts.push(groundTexture(rng, palette, W, H, horizon, s));

  // object placement
  const drawing = DRAWINGS[spec.object](mulberry32(deriveSeed(spec.seed, 0x0b1ec7)));
  const groundY = horizon + (H - horizon) * uniform(rng, 0.35, 0.8);
  const targetW =
    W *
    (spec.object === 'motorcycle'
      ? uniform(rng, 0.5, 0.7)
      : vehicle
        ? uniform(rng, 0.52, 0.8)
        : spec.object === 'apartment building'
          ? uniform(rng, 0.45, 0.7)
          : uniform(rng, 0.45, 0.72));
  const maxH = (groundY - 6) * 0.96;
  const k = Math.min(targetW / drawing.width, maxH / drawing.height);
  const stretch = uniform(rng, 0.92, 1.08);
  const objW = drawing.width * k * stretch;
  const objH = drawing.height * k;
  // keep the object mostly inside the centre square that CLIP's centre crop sees
  const cx = W / 2 + uniform(rng, -1, 1) * Math.max(W * 0.03, Math.min(W, H) / 2 - objW * 0.4);
  const flip = chance(rng, 0.5) ? -1 : 1;

  // clutter behind the object, near the horizon
  const nBack = randInt(rng, 1, 5);
  for (let i = 0; i < nBack; i++) {
    const y = horizon + (groundY - horizon) * uniform(rng, 0.02, 0.6);
    const depth = (y - horizon) / (H - horizon);
    const size = (40 + depth * 160) * s * uniform(rng, 0.7, 1.4);
    parts.push(drawClutter(rng, uniform(rng, 0, W), y, size));
  }

  // shadow
  parts.push(
    `<ellipse cx="${f(cx)}" cy="${f(groundY)}" rx="${f(objW * 0.55)}" ry="${f(Math.max(4, objH * 0.06))}" fill="#000" fill-opacity="${f(uniform(rng, 0.25, 0.45))}"/>`,
  );

  const paint = paintColour(mulberry32(deriveSeed(spec.seed, 0xc0104)), spec.colour, variety?.paint);
  // damage has its own stream: the same seed gives the same layout whatever the damage
  const drng = mulberry32(deriveSeed(spec.seed, 0xda3a9e));
  const surfaceClip = [...drawing.paintShapes, ...drawing.extraSurface].join('');
  defs.push(`<clipPath id="paintclip">${drawing.paintShapes.join('')}</clipPath>`);
  defs.push(`<clipPath id="surfclip">${surfaceClip}</clipPath>`);
  defs.push(`<clipPath id="glassclip">${drawing.glassShapes.join('')}</clipPath>`);

  const markScale = variety?.damageScale ?? 1;
  const damageScale = (vehicle ? 1 : 1.15) * markScale;
  let obj = '';
  obj += `<g fill="${paint}">${drawing.paintShapes.join('')}</g>`;
  obj += `<g fill="url(#shade)">${drawing.paintShapes.join('')}</g>`;
  obj += drawing.under;
  const marks = surfaceDamage(spec.damage, drng, drawing, damageScale);
  if (spec.damage !== 'dents') obj += marks;
  obj += `<g fill="url(#glass)">${drawing.glassShapes.join('')}</g>`;
  obj += `<g${GLASS_TRIM}>${drawing.glassShapes.join('')}</g>`;
  if (spec.damage === 'dents') obj += marks;
  // reflection streak on glass
  obj += `<g clip-path="url(#glassclip)"><path d="M-120,0 L0,-200 L14,-200 L-106,0 Z" transform="translate(${f(uniform(rng, -40, 60))},0)" fill="#fff" fill-opacity="0.18"/></g>`;
  if (spec.damage === 'broken glass') {
    let cracks = '';
    const boxes = drawing.glassBoxes;
    const broken = boxes.filter((_, i) => i === 0 || chance(drng, boxes.length > 6 ? 0.45 : 0.8));
    for (const b of broken) cracks += crackWeb(drng, b, (vehicle ? 1 : 1.2) * markScale);
    obj += `<g clip-path="url(#glassclip)">${cracks}</g>`;
  }
  obj += drawing.over;
  if (spec.damage === 'fire') obj += flames(drng, drawing);
  parts.push(
    `<g transform="translate(${f(cx)},${f(groundY)}) scale(${f(k * stretch * flip)},${f(k)})" stroke-linejoin="round">${obj}</g>`,
  );

  const top = groundY - objH;
  const left = cx - objW / 2;

  if (spec.damage === 'fire') parts.push(smokePlume(drng, { cx, top, objW, objH, s }));
  if (spec.damage === 'broken glass') parts.push(glassShards(drng, { left, groundY, objW, s }));
  if (spec.damage === 'hail') parts.push(hailstones(drng, W, H, horizon, s));
  if (spec.damage === 'flood') {
    const flood = floodWater(drng, { vehicle, groundY, objH, left, objW, paint, W, H, s });
    defs.push(flood.def);
    parts.push(flood.svg);
  }

  // a little foreground clutter
  if (chance(rng, 0.4)) {
    const y = uniform(rng, Math.max(groundY + 10, horizon), H + 10);
    const size = uniform(rng, 60, 140) * s;
    const x = chance(rng, 0.5) ? uniform(rng, -20, W * 0.18) : uniform(rng, W * 0.82, W + 20);
    parts.push(drawClutter(rng, x, y, size));
  }

  // camera: roll + zoom (zoom hides the rotated corners), tint and vignette
  const roll = uniform(rng, -3, 3) + (variety?.roll ?? 0);
  const zoom = (1.06 + uniform(rng, 0, 0.1)) * (variety?.zoom ?? 1);
  const panX = uniform(rng, -0.03, 0.03) * W;
  const panY = uniform(rng, -0.03, 0.03) * H;
  const tint = pick(rng, ['#ffb060', '#60a0ff', '#ffffff', '#ffe0a0', '#a0ffd0']);
  const tintOp = uniform(rng, 0, 0.08);
  const skew = variety?.skew ? ` skewX(${f(variety.skew)})` : '';
  const camera = `translate(${f(W / 2 + panX)},${f(H / 2 + panY)}) rotate(${f(roll)})${skew} scale(${f(zoom)}) translate(${f(-W / 2)},${f(-H / 2)})`;
  const cast = variety?.cast
    ? `<rect width="${W}" height="${H}" fill="${variety.cast.colour}" fill-opacity="${Math.round(variety.cast.opacity * 1000) / 1000}"/>`
    : '';

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">` +
    `<defs>${defs.join('')}</defs>` +
    `<rect width="${W}" height="${H}" fill="${palette.ground}"/>` +
    `<g transform="${camera}">${parts.join('')}</g>` +
    `<rect width="${W}" height="${H}" fill="${tint}" fill-opacity="${f(tintOp)}"/>` +
    cast +
    `<rect width="${W}" height="${H}" fill="url(#vignette)"/>` +
    `</svg>`
  );
}

/** The SVG source of a scene (exposed for debugging and tests). */
export function sceneSvg(spec: SceneSpec): string {
  const W = spec.width ?? DEFAULT_SCENE_WIDTH;
  const H = spec.height ?? DEFAULT_SCENE_HEIGHT;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W < 16 || H < 16 || W > 8192 || H > 8192) {
    throw new RangeError(`invalid scene size ${W}x${H}`);
  }
  return buildSvg(spec, W, H);
}

/**
 * Renders the scene as JPEG (default, quality varies a little with the seed like real cameras) or
 * PNG. Deterministic: the same spec always gives the same bytes.
 */
export async function renderScene(spec: SceneSpec, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const svg = sceneSvg(spec);
  const rng = mulberry32(deriveSeed(spec.seed, 0xca3e4a));
  const brightness = uniform(rng, 0.93, 1.07);
  // camera white balance: small per-channel gains
  let gains = [uniform(rng, 0.97, 1.03), uniform(rng, 0.98, 1.02), uniform(rng, 0.97, 1.03)].map((g) => g * brightness);
  let offsets = [0, 0, 0];
  const quality = randInt(rng, 80, 92);
  if (spec.lighting === 'dark') {
    // under-exposed: crush to ~16% with a little lift in the blacks and a slight blue cast
    gains = gains.map((g, i) => g * (i === 2 ? 0.19 : 0.16));
    offsets = [3, 3, 5];
  }
  if (spec.variety) {
    // exposure scales every channel; contrast pivots about mid-grey (out = c·in + 128·(1 − c))
    const exposure = spec.variety.exposure ?? 1;
    const contrast = spec.variety.contrast ?? 1;
    gains = gains.map((g) => g * exposure * contrast);
    offsets = offsets.map((o) => o * contrast + 128 * (1 - contrast));
  }
  let img = sharp(Buffer.from(svg), { density: 72 }).removeAlpha().linear(gains, offsets);
  if (spec.blur !== undefined && spec.blur > 0) img = img.blur(Math.max(0.3, spec.blur));
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
}
