/**
 * A clone with nothing beside it must build and test: no file of the project may refer to the team's shared
 * folder next to the checkout on development machines, and plain `npm ci` must not try onnxruntime-node's
 * CUDA download.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file && !file.startsWith('test/fixtures/clip/'));
}

describe('a checkout that stands alone', () => {
  it('no project file refers to the shared folder beside the checkout', () => {
    // Built from parts, so this file holds no such path itself.
    const sibling = `${'.'.repeat(2)}/shared`;
    const quoted = ["'..'", "'shared'"].join(', ');
    const absolute = ['', 'work', 'shared'].join('/');
    const references = (text: string) => [sibling, quoted, absolute].some((needle) => text.includes(needle));
    const offenders = trackedFiles().filter((file) => {
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        return false; // deleted in the working tree
      }
      return !text.includes('\u0000') && references(text);
    });
    expect(offenders).toEqual([]);
  });

  it('.npmrc skips the onnxruntime-node CUDA download', () => {
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^onnxruntime-node-install=skip$/m);
  });
});
