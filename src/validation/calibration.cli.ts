import * as fs from 'node:fs';
import * as os from 'node:os';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { flag, option, type CliCommand, type CliContext } from '../cli/cli-command';
import { SystemClock } from '../common/clock';
import { loadConfigOrExit } from '../common/process-entry';
import { TransactionRunner } from '../database/transaction-runner';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import { ModelRegistry } from '../scoring/model-registry.service';
import { CalibrationService, type ClaimLabel, type FitReport } from './calibration.service';
import { CalibrationsRepository } from './calibrations.repository';
import { CHECK_KINDS, type CheckKind } from './check.entity';
import { ChecksRepository } from './checks.repository';
import { ThresholdsRepository } from './thresholds.repository';
import { ThresholdsService } from './thresholds.service';

function cliContext(): AuditContext {
  let who = 'unknown';
  try {
    who = os.userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return { actorType: 'system', actorId: `cli:${who}`, requestId: null, sourceIp: null };
}

/** The same services as the API, outside Nest: the configured model (hash-checked, not loaded) and the database. */
async function withServices<T>(
  cli: CliContext,
  work: (services: { calibration: CalibrationService; thresholds: ThresholdsService }) => Promise<T>,
): Promise<T> {
  const config = loadConfigOrExit();
  const database = await cli.openDatabase(config);
  try {
    const clock = new SystemClock();
    const audit = new AuditService(new TransactionRunner(database.dataSource), clock);
    const registry = new ModelRegistry(config);
    const calibrations = new CalibrationsRepository(database.dataSource);
    const thresholds = new ThresholdsService(
      audit,
      new ThresholdsRepository(database.dataSource),
      calibrations,
      registry,
    );
    const calibration = new CalibrationService(
      thresholds,
      new ChecksRepository(database.dataSource),
      calibrations,
      clock,
    );
    return await work({ calibration, thresholds });
  } finally {
    await database.close();
  }
}

/**
 * A labelled file: a JSON array or JSON lines of {"claimId", "problems": [check kinds]} (empty: honest), or
 * {"claimId", "planted": "honest" | kind} as `npm run simulate -- --labels-out FILE` writes.
 */
export function parseLabels(text: string): ClaimLabel[] {
  const trimmed = text.trim();
  const items = (
    trimmed.startsWith('[')
      ? JSON.parse(trimmed)
      : trimmed
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
  ) as Array<Record<string, unknown>>;
  return items.map((item, index) => {
    if (typeof item.claimId !== 'string') throw new Error(`labels: entry ${index + 1} has no claimId`);
    const problems = Array.isArray(item.problems)
      ? item.problems
      : item.planted === 'honest'
        ? []
        : typeof item.planted === 'string'
          ? [item.planted]
          : null;
    if (!problems) throw new Error(`labels: entry ${index + 1} needs "problems" (an array) or "planted"`);
    for (const kind of problems)
      if (!(CHECK_KINDS as readonly string[]).includes(kind as string))
        throw new Error(`labels: entry ${index + 1}: unknown check kind "${String(kind)}"`);
    return { claimId: item.claimId, problems: problems as CheckKind[] };
  });
}

function lineOption(args: string[]): LineOfBusiness | null {
  const line = option(args, 'line');
  if (!line) return null;
  if (!(LINES_OF_BUSINESS as readonly string[]).includes(line))
    throw new Error(`--line must be one of ${LINES_OF_BUSINESS.join(', ')}`);
  return line as LineOfBusiness;
}

function numberOption(args: string[], name: string, fallback: number): number {
  const raw = option(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value >= 1)
    throw new Error(`--${name} must be a number between 0 and 1`);
  return value;
}

function printFit(report: FitReport): void {
  const pct = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(2)}%`);
  console.log(
    `model ${report.model.name} (${report.model.hash.slice(0, 12)}…), prompt templates ${report.promptSetVersion}`,
  );
  console.log(`method: ${report.method}`);
  console.log(
    `target: false clears among auto-cleared ≤ ${pct(report.target.maxFalseClearRate)} with confidence ${report.target.confidence}; labels from ${report.labelSource}; ${report.claims} claims (${report.positives} with a problem), lines ${report.lines.join(', ')}`,
  );
  console.log(
    `chosen λ = ${report.ltt.lambda}: auto-clears ${report.ltt.cleared} of ${report.claims}, ${report.ltt.falseClears} false (upper bound ${pct(report.ltt.upperBound)})`,
  );
  for (const step of report.ltt.steps.slice(-3))
    console.log(
      `  λ=${step.lambda}: cleared ${step.cleared}, false ${step.falseClears}, bound ${pct(step.upperBound)} ${step.rejected ? 'ok' : 'stop'}`,
    );
  console.log('\nper check: ECE, PR, false clears at the proposal');
  for (const check of report.checks) {
    const pr = check.precisionRecall.filter((_, index, all) => index % Math.max(1, Math.ceil(all.length / 5)) === 0);
    console.log(
      `  ${check.kind.padEnd(18)} n=${check.labelled} pos=${check.positives} ECE=${check.ece ?? '–'} cleared=${check.cleared} false=${check.falseClears} bound=${pct(check.falseClearUpperBound)}`,
    );
    console.log(
      `    reliability: ${check.reliability
        .filter((bin) => bin.count > 0)
        .map((bin) => `[${bin.from}-${bin.to}) n=${bin.count} mean=${bin.meanScore} obs=${bin.observedRate}`)
        .join('; ')}`,
    );
    console.log(
      `    PR: ${pr.map((point) => `t=${point.flagAt} P=${point.precision ?? '–'} R=${point.recall ?? '–'}`).join('; ')}`,
    );
  }
  console.log('\nproposals (flagAt kept, uncertainFrom = λ·flagAt):');
  for (const proposal of report.proposals)
    for (const kind of Object.keys(proposal.proposed) as Array<keyof typeof proposal.proposed>)
      console.log(
        `  ${proposal.line.padEnd(8)} ${kind.padEnd(18)} current ${proposal.current.thresholds[kind].uncertainFrom}–${proposal.current.thresholds[kind].flagAt} → proposed ${proposal.proposed[kind].uncertainFrom}–${proposal.proposed[kind].flagAt}`,
      );
  console.log(`\n${report.guarantee}`);
}

/** Calibration of the configured model's thresholds (see src/validation/README.md). */
export const CALIBRATION_COMMANDS: Record<string, CliCommand> = {
  'calibration:status': {
    summary: '[--json]: the configured model, and per line the calibration version in force or safe mode',
    run: async (args, cli) => {
      await withServices(cli, async ({ calibration }) => {
        const status = await calibration.status();
        if (flag(args, 'json')) return console.log(JSON.stringify(status));
        console.log(
          `model ${status.model.name} (${status.model.hash.slice(0, 12)}…), prompt templates ${status.promptSetVersion}`,
        );
        for (const line of status.lines)
          console.log(
            `  ${line.line}: ${line.safeMode ? 'SAFE MODE (no calibration: nothing auto-cleared)' : `version ${line.current.calibration!.version} (${line.current.calibration!.source})`}, ${line.versions.length} applied version(s)`,
          );
      });
    },
  },
  'calibration:fit': {
    summary:
      '[--target 0.02] [--confidence 0.95] [--labels FILE] [--line auto|property] [--from ISO] [--to ISO] [--apply] [--json]: propose thresholds (Learn then Test), print ECE and PR per check',
    run: async (args, cli) => {
      const target = {
        maxFalseClearRate: numberOption(args, 'target', 0.02),
        confidence: numberOption(args, 'confidence', 0.95),
      };
      const labelsFile = option(args, 'labels');
      const labels = labelsFile ? parseLabels(fs.readFileSync(labelsFile, 'utf8')) : undefined;
      await withServices(cli, async ({ calibration, thresholds }) => {
        const report = await calibration.fit({
          target,
          line: lineOption(args),
          labels,
          from: option(args, 'from') || undefined,
          to: option(args, 'to') || undefined,
        });
        const applied = flag(args, 'apply')
          ? await Promise.all(
              report.proposals.map((proposal) =>
                thresholds.apply(cliContext(), {
                  line: proposal.line,
                  modelHash: report.model.hash,
                  thresholds: proposal.proposed,
                  source: 'fit',
                  method: {
                    name: report.method,
                    target: report.target,
                    lambda: report.ltt.lambda,
                    claims: report.claims,
                    cleared: report.ltt.cleared,
                    falseClears: report.ltt.falseClears,
                    upperBound: report.ltt.upperBound,
                    labelSource: report.labelSource,
                  },
                  note: `calibration:fit --apply (${report.labelSource} labels)`,
                }),
              ),
            )
          : [];
        if (flag(args, 'json')) return console.log(JSON.stringify({ ...report, applied }));
        printFit(report);
        for (const line of applied) console.log(`applied ${line.line} version ${line.calibration!.version}`);
      });
    },
  },
  'calibration:rollback': {
    summary: '--line auto|property --version N: restore an earlier version (0: the committed one) as the next version',
    run: async (args, cli) => {
      const line = lineOption(args);
      const version = Number(option(args, 'version'));
      if (!line || !Number.isInteger(version) || version < 0)
        throw new Error('usage: calibration:rollback --line auto|property --version N');
      await withServices(cli, async ({ thresholds }) => {
        const model = await thresholds.currentModel();
        const result = await thresholds.rollback(cliContext(), { line, modelHash: model.hash, version });
        console.log(`${line}: version ${result.calibration!.version} restores version ${version}`);
      });
    },
  },
};
