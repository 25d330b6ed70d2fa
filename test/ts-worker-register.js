/**
 * Lets a worker thread started from the TypeScript sources (under Jest, where src/ is not compiled)
 * require .ts files: transpile-only, CommonJS, like ts-jest does for the tests themselves. Compiled
 * builds (dist/) never load this. test/setup-ts-worker.ts names it in TS_WORKER_REGISTER, which
 * src/scoring/model/session-thread.ts passes to the thread's execArgv.
 */
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
    },
  });
  module._compile(outputText, filename);
};
