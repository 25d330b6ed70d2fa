import { ConfigError } from '../config/config.schema';
import { loadConfig, type AppConfig } from '../config/app-config';

/**
 * Entry points fail with one line that names the problem, never a bare stack trace: an operator
 * reading a crash-looping container's log must see what to fix.
 */
export function failStartup(error: unknown): never {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.DEBUG_STARTUP === '1' && error instanceof Error && error.stack)
    process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) failStartup(error);
    throw error;
  }
}

/** SIGTERM/SIGINT: let Nest drain, but never hang longer than the configured grace period. */
export function installShutdownDeadline(timeoutMs: number): void {
  const arm = () => {
    setTimeout(() => {
      process.stderr.write(`error: shutdown did not finish within ${timeoutMs} ms; exiting\n`);
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
