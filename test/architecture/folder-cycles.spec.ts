/**
 * Module boundaries of src/: the folders (first path segment under src/; a file directly in src/ is
 * its own node, named with its extension so src/cli.ts is not the folder src/cli/) must form a graph without cycles, so that each folder can be read, tested and
 * changed knowing only the folders below it. Type-only imports count: they couple folders too.
 * `common/` is the leaf that every folder may use: it imports no other folder but config/.
 */
import madge from 'madge';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

type FolderGraph = Map<string, Map<string, string[]>>;

function folderOf(file: string): string {
  return file.split('/')[0];
}

/** folder → folder → the file-level imports behind that edge (files outside src/ are left out). */
export function folderGraph(files: Record<string, string[]>): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const [from, targets] of Object.entries(files)) {
    const a = folderOf(from);
    if (!graph.has(a)) graph.set(a, new Map());
    for (const to of targets) {
      if (to.startsWith('..')) continue;
      const b = folderOf(to);
      if (a === b) continue;
      const edges = graph.get(a)!;
      edges.set(b, [...(edges.get(b) ?? []), `${from} -> ${to}`]);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan). */
export function folderCycles(graph: FolderGraph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    lowlink.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlink.set(node, Math.min(lowlink.get(node)!, lowlink.get(next)!));
      } else if (onStack.has(next)) {
        lowlink.set(node, Math.min(lowlink.get(node)!, indices.get(next)!));
      }
    }
    if (lowlink.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return components;
}

/** Each edge inside a cycle, with the imports that make it, for the failure message. */
function describe_(graph: FolderGraph, component: string[]): string {
  const lines = [`cycle between folders: ${component.join(', ')}`];
  for (const a of component)
    for (const [b, imports] of graph.get(a) ?? [])
      if (component.includes(b)) lines.push(`  ${a} -> ${b}: ${imports.slice(0, 3).join('; ')}`);
  return lines.join('\n');
}

let graph: FolderGraph;

beforeAll(async () => {
  const result = await madge(resolve(ROOT, 'src'), {
    fileExtensions: ['ts'],
    tsConfig: resolve(ROOT, 'tsconfig.json'),
    detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
  });
  graph = folderGraph(result.obj());
}, 60_000);

describe('folders under src/', () => {
  it('sees the folders and their imports (the check below is not vacuous)', () => {
    expect(graph.get('claims')?.has('auth')).toBe(true);
    expect(graph.size).toBeGreaterThan(10);
  });

  it('have no import cycle between them', () => {
    const cycles = folderCycles(graph).map((component) => describe_(graph, component));
    if (cycles.length > 0) throw new Error(cycles.join('\n'));
  });

  it('keep common/ a leaf: it imports no folder but config/', () => {
    const offending = [...(graph.get('common') ?? [])].filter(([folder]) => folder !== 'config');
    expect(offending.map(([folder, imports]) => `${folder}: ${imports.join('; ')}`)).toEqual([]);
  });
});

describe('production code', () => {
  it('loads nothing from test/ (imports, required paths, worker entry files)', () => {
    const sources = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'src'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));
    expect(sources.length).toBeGreaterThan(100);
    const pattern = /(\.\.\/)+test\/|['"]\.\.['"],\s*['"]test['"]|['"]test['"],/;
    const offenders = sources.filter((file) => {
      try {
        return pattern.test(readFileSync(join(ROOT, file), 'utf8'));
      } catch {
        return false; // deleted in the working tree
      }
    });
    expect(offenders).toEqual([]);
  });
});

describe('the cycle finder', () => {
  it('reports a cycle through three folders and not an acyclic edge', () => {
    const sample = folderGraph({
      'a/x.ts': ['b/y.ts'],
      'b/y.ts': ['c/z.ts'],
      'c/z.ts': ['a/x.ts', 'd/w.ts'],
      'd/w.ts': [],
      'main.ts': ['a/x.ts'],
    });
    expect(folderCycles(sample)).toEqual([['a', 'b', 'c']]);
    expect(describe_(sample, ['a', 'b', 'c'])).toContain('c -> a: c/z.ts -> a/x.ts');
  });
});
