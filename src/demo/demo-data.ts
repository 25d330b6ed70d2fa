import type { StaffRole } from '../common/actor';
import type { SceneColour, SceneDamage, SceneObject } from '../../tools/scenes/scene-renderer';
import { AUTO_POLICY, PROPERTY_POLICY, claimScenarios, type ClaimScenario } from './claim-scenarios';

/**
 * What `DEMO=1 npm start` puts into an empty database: one team of reviewers with a supervisor, a
 * compliance officer and an admin, one intake system, an auto and a property policy with clause text as
 * an insurer would write it, and a few dozen claims whose photos exercise every check.
 */
export const DEMO_TEAM = 'claims-east';

export interface DemoPerson {
  readonly role: StaffRole;
  readonly email: string;
  readonly name: string;
  readonly team: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { role: 'adjuster', email: 'ada.adjuster@demo.example', name: 'Ada Adjuster', team: DEMO_TEAM },
  { role: 'adjuster', email: 'ben.adjuster@demo.example', name: 'Ben Adjuster', team: DEMO_TEAM },
  { role: 'supervisor', email: 'sam.supervisor@demo.example', name: 'Sam Supervisor', team: DEMO_TEAM },
  { role: 'compliance', email: 'cora.compliance@demo.example', name: 'Cora Compliance', team: 'compliance' },
  { role: 'admin', email: 'alex.admin@demo.example', name: 'Alex Admin', team: 'ops' },
];

export const DEMO_INTAKE_CLIENT = { name: 'Demo intake portal', team: DEMO_TEAM };

/** Same perils, insured objects and dates as the labelled set (the model's prompts key on them); wording as a policy has it. */
export const DEMO_AUTO_POLICY = {
  ...AUTO_POLICY,
  number: 'DEMO-AUTO-2026-0001',
  jurisdiction: 'DE',
  clauses: [
    {
      code: 'A.2.1',
      kind: 'coverage',
      perilKey: 'collision',
      text: 'We pay for sudden and accidental damage to the insured vehicle caused by a collision with another vehicle, a fixed object or an animal, including single-vehicle accidents, less the deductible shown in the schedule.',
    },
    {
      code: 'A.2.2',
      kind: 'coverage',
      perilKey: 'hail',
      text: 'We pay for damage to the bodywork, glass and roof of the insured vehicle caused directly by hailstones, whether the vehicle was parked or in use.',
    },
    {
      code: 'A.2.3',
      kind: 'coverage',
      perilKey: 'fire',
      text: 'We pay for damage to the insured vehicle caused by fire, lightning or explosion, including fire resulting from a fault in the vehicle’s own electrical system.',
    },
    {
      code: 'A.2.4',
      kind: 'coverage',
      perilKey: 'glass',
      text: 'We pay for the repair or replacement of the windscreen, side and rear windows and sunroof glass when broken or cracked, without applying the deductible to a repair.',
    },
    {
      code: 'A.2.5',
      kind: 'coverage',
      perilKey: 'vandalism',
      text: 'We pay for damage to the insured vehicle caused deliberately by another person (vandalism), provided it was reported to the police.',
    },
    {
      code: 'A.5.1',
      kind: 'exclusion',
      perilKey: 'wear_and_tear',
      text: 'We do not pay for wear and tear, gradual deterioration, rust, corrosion, mechanical or electrical breakdown, or damage that developed over time rather than in one sudden event.',
    },
  ],
};

export const DEMO_PROPERTY_POLICY = {
  ...PROPERTY_POLICY,
  number: 'DEMO-HOME-2026-0001',
  jurisdiction: 'DE',
  clauses: [
    {
      code: 'B.1.1',
      kind: 'coverage',
      perilKey: 'fire',
      text: 'We cover physical loss of or damage to the buildings caused by fire, smoke, lightning or explosion, including the cost of removing debris and making the site safe.',
    },
    {
      code: 'B.1.2',
      kind: 'coverage',
      perilKey: 'hail',
      text: 'We cover damage to the roof, facade, gutters and windows of the buildings caused by hail, provided the damage is reported within 14 days of the storm.',
    },
    {
      code: 'B.1.3',
      kind: 'coverage',
      perilKey: 'glass',
      text: 'We cover the breakage of fixed glazing in windows and doors, including emergency boarding-up until the glass is replaced.',
    },
    {
      code: 'B.1.4',
      kind: 'coverage',
      perilKey: 'storm',
      text: 'We cover damage to the buildings caused directly by storm, meaning wind of at least force 8, or by objects it throws against them.',
    },
    {
      code: 'B.4.1',
      kind: 'exclusion',
      perilKey: 'wear_and_tear',
      text: 'We do not cover gradual deterioration, weathering, rust, rot or a lack of maintenance, nor damage that results from any of them.',
    },
    {
      code: 'B.4.2',
      kind: 'exclusion',
      perilKey: 'flood',
      text: 'We do not cover flood, meaning the inundation of the land on which the buildings stand by surface water, rising rivers or the sea; this peril is insured only under the natural hazards extension.',
    },
  ],
};

/** The labelled scenarios the demo files, in an order where every planted duplicate comes after its original. */
const DEMO_SCENARIO_NAMES = [
  ...['honest-auto-0', 'honest-auto-1', 'honest-auto-2', 'honest-auto-3', 'honest-auto-4', 'honest-auto-5'],
  ...['honest-property-0', 'honest-property-1', 'honest-property-2'],
  ...['peril-mismatch-0', 'peril-mismatch-1', 'peril-mismatch-2', 'peril-mismatch-3'],
  ...['exclusion-0', 'exclusion-1', 'exclusion-2'],
  ...['object-mismatch-0', 'object-mismatch-1', 'object-mismatch-2', 'object-mismatch-3'],
  ...['no-damage-0', 'no-damage-1', 'no-damage-3'],
  ...['duplicate-0', 'duplicate-1', 'duplicate-2', 'duplicate-3'],
  ...['exif-0', 'exif-1', 'exif-2', 'exif-3', 'exif-4', 'exif-5'],
  ...['unusable-0', 'unusable-1', 'unusable-2', 'unusable-3'],
];

/**
 * Claims whose evidence is ambiguous rather than wrong: photos that are slightly soft, or that show
 * a vehicle of a related class. They land near a check's threshold; whether each one ends
 * `needs_review`, `consistent` or flagged is up to the model, which is the point of showing them.
 */
function ambiguousScenarios(seedBase: number): ClaimScenario[] {
  /** A claim expecting no flag, its photos' scenes given as seed offset, object, colour, damage and blur. */
  const claim = (
    name: string,
    policy: ClaimScenario['policy'],
    claimedPeril: string,
    shots: Array<[offset: number, object: SceneObject, colour: SceneColour, damage: SceneDamage, blur?: number]>,
  ): ClaimScenario => ({
    name,
    policy,
    claimedPeril,
    photos: shots.map(([offset, object, colour, damage, blur]) => ({
      scene: { seed: seedBase + offset, object, colour, damage, ...(blur === undefined ? {} : { blur }) },
    })),
    expected: [],
  });
  const perils = ['hail', 'collision', 'glass', 'fire'] as const;
  const damage = { hail: 'hail', collision: 'dents', glass: 'broken glass', fire: 'fire' } as const;
  return [
    ...perils.map((peril, index) =>
      claim(`ambiguous-soft-${index}`, 'auto', peril, [[11 * index, 'sedan', 'silver', damage[peril], 2.5]]),
    ),
    claim('ambiguous-van-0', 'auto', 'collision', [
      [101, 'van', 'white', 'dents'],
      [103, 'sedan', 'blue', 'dents'],
    ]),
    claim('ambiguous-mixed-0', 'auto', 'hail', [
      [107, 'sedan', 'blue', 'hail'],
      [109, 'sedan', 'blue', 'dents'],
    ]),
    // Covered perils the prompt sets do not describe: the model cannot judge them, so they go to review as
    // uncertain rather than being cleared or flagged. (A peril the policy does not cover at all is a coverage
    // fact, flagged with certainty: the peril-mismatch claims against the property policy's flood exclusion.)
    claim('uncertain-vandalism-0', 'auto', 'vandalism', [[113, 'sedan', 'red', 'broken glass']]),
    claim('uncertain-storm-0', 'property', 'storm', [[127, 'house', 'white', 'broken glass']]),
  ];
}

export function demoScenarios(): ClaimScenario[] {
  const all = new Map(claimScenarios(9000).map((scenario) => [scenario.name, scenario]));
  return [...DEMO_SCENARIO_NAMES.map((name) => all.get(name)!), ...ambiguousScenarios(70_000)];
}

const DESCRIPTIONS: Record<string, string[]> = {
  collision: [
    'Reversed into a bollard in the supermarket car park.',
    'Rear-ended at a red light on the ring road.',
    'Hit a deer on the country road at dusk.',
  ],
  hail: [
    'Parked outside during the hailstorm on Sunday afternoon.',
    'Hail the size of marbles; dents all over the roof and bonnet.',
  ],
  fire: [
    'Engine compartment caught fire on the motorway; fire brigade attended.',
    'Kitchen fire spread to the living room before it was put out.',
  ],
  glass: [
    'Stone chip from a lorry turned into a crack across the windscreen.',
    'Window smashed during a storm; boarded up overnight.',
  ],
  vandalism: ['Side window smashed overnight in the street; nothing stolen.'],
  storm: ['Storm on Tuesday night blew in two windows on the west side.'],
};

export function demoDescription(peril: string, index: number): string {
  const options = DESCRIPTIONS[peril] ?? ['Damage reported by the policyholder.'];
  return options[index % options.length];
}

/** A plausible claimed amount, deterministic per claim. */
export function demoAmount(index: number): string {
  return (350 + ((index * 7919) % 9650) + ((index * 37) % 100) / 100).toFixed(2);
}
