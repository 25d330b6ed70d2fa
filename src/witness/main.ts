/**
 * `npm run witness`: a witness of the audit log, a separate process with its own key and state
 * (see src/witness/witness-config.ts for its settings and src/audit/README.md for what it does).
 *   --print-key   print this witness's verifier key (for AUDIT_WITNESS_KEYS) and exit
 *   --once        one round, then exit (exit code 2 when a head was refused)
 */
import { loadWitnessConfig, WitnessConfigError } from './witness-config';
import { loadOrCreateWitnessKey, witnessVerifierKey } from './witness-key';
import { startWitnessServer } from './witness-server';
import { loadState } from './witness-state';
import { Witness } from './witness';

async function main(): Promise<void> {
  const config = loadWitnessConfig(process.argv.slice(2));
  const key = loadOrCreateWitnessKey(config.keyFile);
  const verifierKey = witnessVerifierKey(config.name, key);
  if (config.printKey) {
    console.log(verifierKey);
    return;
  }
  const witness = new Witness(
    {
      logUrl: config.logUrl,
      origin: config.origin,
      logKeys: config.logKeys,
      name: config.name,
      privateKey: key,
      stateFile: config.stateFile,
      historyLimit: config.historyLimit,
    },
    loadState(config.stateFile, config.origin),
  );
  if (config.once) {
    const outcome = await witness.round();
    console.log(JSON.stringify(outcome));
    process.exitCode = outcome.kind === 'refused' ? 2 : outcome.kind === 'error' ? 1 : 0;
    return;
  }
  const server =
    config.port === 0
      ? undefined
      : await startWitnessServer(() => witness.state, verifierKey, config.port, config.host);
  console.log(
    JSON.stringify({
      level: 'info',
      component: 'witness',
      message: `witness ${verifierKey} of ${config.origin} at ${config.logUrl}, every ${config.intervalMs} ms${server ? `, serving on ${config.host}:${config.port}` : ''}`,
    }),
  );
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopping = true;
    if (timer) clearTimeout(timer);
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  while (!stopping) {
    await witness.round();
    if (stopping) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, config.intervalMs);
    });
  }
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

main().catch((error: unknown) => {
  console.error(error instanceof WitnessConfigError ? `witness: ${error.message}` : error);
  process.exitCode = 1;
});
