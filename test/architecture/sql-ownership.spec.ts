/**
 * One owner per table: SQL runs only in `*.repository.ts` files (each the owner of its tables) and in
 * src/database/ (the transaction runner, the readiness ping, the data source factory, the embedded
 * engine). Services orchestrate and call repository methods; they never inject the DataSource nor
 * run queries through an EntityManager themselves. The scan reads the TypeScript syntax tree, so
 * comments and strings do not count and a call split across lines still does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');

/** Where SQL may run. Nothing else: a service that needs rows calls the owning repository. */
function mayRunSql(file: string): boolean {
  return file.endsWith('.repository.ts') || file.startsWith('src/database/');
}

/** Calls that run SQL whatever they are called on. */
const SQL_CALLS = new Set(['query', 'createQueryBuilder', 'getRepository', 'createQueryRunner', 'transaction']);
/** EntityManager methods that read or write rows (flagged when called on something named *manager / tx). */
const MANAGER_CALLS = new Set([
  'find',
  'findOne',
  'findOneBy',
  'findBy',
  'findOneOrFail',
  'findAndCount',
  'exists',
  'existsBy',
  'count',
  'countBy',
  'save',
  'insert',
  'update',
  'upsert',
  'delete',
  'remove',
  'softDelete',
  'increment',
  'decrement',
  'sum',
  'average',
  'minimum',
  'maximum',
]);
/** typeorm names whose import gives a file its own way to the database. */
const BANNED_IMPORTS = new Set(['DataSource', 'QueryRunner', 'Repository', 'SelectQueryBuilder']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function receiverName(expression: ts.Expression): string {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return '';
}

function offences(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.moduleSpecifier.text === 'typeorm'
    ) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements)
          if (BANNED_IMPORTS.has((element.propertyName ?? element.name).text))
            found.push(`${at(element)} imports ${element.name.text} from typeorm`);
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = receiverName(node.expression.expression);
      if (SQL_CALLS.has(method) && method !== 'transaction') found.push(`${at(node)} calls .${method}()`);
      if (method === 'transaction' && /dataSource|manager/i.test(receiver))
        found.push(`${at(node)} calls .transaction()`);
      if (MANAGER_CALLS.has(method) && /manager$/i.test(receiver))
        found.push(`${at(node)} calls ${receiver}.${method}()`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('one owner per table: SQL only in repositories', () => {
  const files = sourceFiles(join(ROOT, 'src'))
    .map((path) => relative(ROOT, path).split('\\').join('/'))
    .filter((file) => !mayRunSql(file));

  const found = new Map(files.map((file) => [file, offences(file, readFileSync(join(ROOT, file), 'utf8'))]));

  it('no service, controller or helper runs SQL or holds the DataSource', () => {
    expect([...found.values()].flat()).toEqual([]);
  });

  it('the scan recognises what it forbids', () => {
    const sample = `
      import { DataSource, type EntityManager } from 'typeorm';
      class S { constructor(private readonly dataSource: DataSource) {}
        async a(tx: { manager: EntityManager }) {
          await this.dataSource.query('SELECT 1');
          await tx.manager.find(Object);
          await this.dataSource.getRepository(Object).find();
          await this.dataSource
            .createQueryBuilder().getMany();
          await this.dataSource.transaction(async () => undefined);
        }
      }`;
    expect(offences('sample.ts', sample)).toEqual([
      'sample.ts:2 imports DataSource from typeorm',
      'sample.ts:5 calls .query()',
      'sample.ts:6 calls manager.find()',
      'sample.ts:7 calls .getRepository()',
      'sample.ts:8 calls .createQueryBuilder()',
      'sample.ts:10 calls .transaction()',
    ]);
  });
});
