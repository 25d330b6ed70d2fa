// `npm start` runs this instead of `npm run build:client`: Vite rebuilds the review client only when a
// client source (or the lock file, which pins Vite and React) is newer than client/dist/index.html.
// `npm run build` still always rebuilds. Plain Node (no TypeScript) so it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const client = join(root, 'client');

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'dist' || entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(join(client, 'dist', 'index.html')).mtimeMs;
  } catch {
    return -1; // never built
  }
}

const sources = Math.max(newestMtime(client), statSync(join(root, 'package-lock.json')).mtimeMs);
if (builtAt() >= sources) {
  console.log('review client: client/dist is up to date, not rebuilt');
} else {
  const result = spawnSync('npm', ['run', 'build:client', '--silent'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
