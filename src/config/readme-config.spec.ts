import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_VARIABLES } from './config.schema';

describe('README configuration table', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((match) => [match[1], match[2].trim()] as const),
  );

  it.each(Object.values(CONFIG_VARIABLES).map((variable) => [variable.name, variable] as const))(
    'documents %s with its default',
    (name, variable) => {
      expect(rows.has(name)).toBe(true);
      const documented = rows.get(name)!;
      expect(documented).toBe(variable.defaultValue === undefined ? '*(unset)*' : `\`${variable.defaultValue}\``);
    },
  );

  it('documents no variable the service does not read', () => {
    const known = new Set(Object.keys(CONFIG_VARIABLES));
    expect([...rows.keys()].filter((name) => !known.has(name))).toEqual([]);
  });
});
