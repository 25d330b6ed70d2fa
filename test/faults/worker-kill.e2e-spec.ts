import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditVerificationService } from '../../src/audit/audit-verification.service';
import { JobName, QueueName } from '../../src/jobs/job-registry';
import { JobQueueService } from '../../src/jobs/job-queue.service';
import { createIntakeClient } from '../support/auth-helpers';
import {
  blobStoreContents,
  draftClaims,
  photoBlobKeys,
  scoringLedger,
  statuses,
  submit,
  waitUntilScored,
} from '../support/fault-helpers';
import { startProcess, type RunningProcess } from '../support/processes';
import { waitFor } from '../support/wait-for';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Fault: a worker is killed with SIGKILL while it scores a batch. Its running jobs keep their Bull lock
 * until JOB_LOCK_DURATION_MS passes (2 s here instead of 30 s), then the next worker's stalled check
 * (JOB_STALLED_INTERVAL_MS) puts them back; its open transactions die with its connections.
 *
 * To kill it at a known point, the test holds an EXCLUSIVE lock on scoring_runs (reads pass, inserts
 * wait): the worker moves claims queued → scoring, evaluates their photos, then blocks inside the
 * transaction that would store the result — the worst moment to die.
 */
describe('fault: kill -9 a worker while it scores a batch', () => {
  const CLAIMS = 8;
  const CONCURRENCY = 4;
  let testApp: TestApp;
  let dataSource: DataSource;
  let apiKey: string;
  let claimIds: string[];
  let locker: Client | undefined;
  const workers: RunningProcess[] = [];

  const workerEnv = () => ({
    ...testApp.env,
    LOG_LEVEL: 'info',
    MIGRATIONS_RUN: 'false',
    WORKER_CONCURRENCY: String(CONCURRENCY),
  });

  async function startWorker(): Promise<RunningProcess> {
    const worker = startProcess('dist/src/worker.js', [], workerEnv());
    workers.push(worker);
    await waitFor(async () => (worker.output().includes('worker started') ? true : undefined), {
      timeoutMs: 30_000,
      description: 'the worker to start',
    });
    return worker;
  }

  beforeAll(async () => {
    testApp = await startTestApp({
      processJobs: false,
      label: 'fault_worker_kill',
      env: { JOB_LOCK_DURATION_MS: '2000', JOB_STALLED_INTERVAL_MS: '1000' },
    });
    dataSource = testApp.app.get(DataSource);
    apiKey = (await createIntakeClient(testApp, 'team-a')).apiKey;
    claimIds = await draftClaims(testApp, apiKey, CLAIMS, 2);
  });

  afterAll(async () => {
    await locker?.end().catch(() => undefined);
    for (const worker of workers) await worker.stop('SIGKILL');
    await testApp?.close();
  });

  it('every claim ends scored exactly once, with no duplicate review task and no orphan blob', async () => {
    locker = new Client({ connectionString: testApp.testDatabase.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE scoring_runs IN EXCLUSIVE MODE');

    const first = await startWorker();
    for (const id of claimIds) await submit(testApp, apiKey, id).expect(202);

    // The batch is mid-scoring: CONCURRENCY claims in `scoring`, their result transactions waiting on the lock.
    await waitFor(
      async () => {
        const current = [...(await statuses(dataSource, claimIds)).values()];
        const [{ waiting }] = (await dataSource.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%scoring_runs%'`,
        )) as Array<{ waiting: number }>;
        return current.filter((status) => status === 'scoring').length === CONCURRENCY && waiting === CONCURRENCY
          ? true
          : undefined;
      },
      { timeoutMs: 30_000, description: `${CONCURRENCY} claims blocked mid-scoring` },
    );

    first.child.kill('SIGKILL');
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    await locker.query('COMMIT');
    await locker.end();
    locker = undefined;

    const before = await statuses(dataSource, claimIds);
    expect([...before.values()].filter((status) => status === 'scoring')).toHaveLength(CONCURRENCY);
    expect([...before.values()].filter((status) => status === 'queued')).toHaveLength(CLAIMS - CONCURRENCY);

    // A new worker finishes everything: the waiting jobs at once, the stalled ones once their lock expired.
    const second = await startWorker();
    const final = await waitUntilScored(dataSource, claimIds, 40_000);
    expect(final.size).toBe(CLAIMS);

    const ledger = await scoringLedger(dataSource, claimIds);
    for (const id of claimIds) {
      expect({ id, runs: ledger.runs.get(id) }).toEqual({ id, runs: 1 });
      expect({ id, events: ledger.completedEvents.get(id) }).toEqual({ id, events: 1 });
      expect({ id, transitions: ledger.scoringTransitions.get(id) }).toEqual({ id, transitions: 1 });
      const tasks = ledger.reviewTasks.get(id) ?? 0;
      expect(tasks).toBeLessThanOrEqual(1);
      if (final.get(id) !== 'consistent') expect({ id, tasks }).toEqual({ id, tasks: 1 });
    }

    // A late duplicate would be a stalled job re-run after the recovery re-enqueue: wait until no
    // scoring job is left in Redis at all (the stalled ones are re-run or dropped), so none can come after.
    const scoring = testApp.app.get(JobQueueService).queue(QueueName.Scoring);
    await waitFor(
      async () => {
        const left = await scoring.getJobs(['active', 'waiting', 'delayed', 'paused']);
        return left.every((job) => job?.name !== JobName.ValidateClaim);
      },
      { timeoutMs: 20_000, intervalMs: 250, description: 'every validation job to leave the queue' },
    );
    const again = await scoringLedger(dataSource, claimIds);
    expect([...again.runs.values()].reduce((sum, n) => sum + n, 0)).toBe(CLAIMS);
    expect([...again.completedEvents.values()].reduce((sum, n) => sum + n, 0)).toBe(CLAIMS);
    expect([...again.reviewTasks.values()].every((n) => n <= 1)).toBe(true);

    // No orphan blobs, no temp files: the store holds exactly what the photo rows name.
    const store = await blobStoreContents(testApp.dataDir);
    expect(store.tempFiles).toEqual([]);
    expect(store.keys).toEqual(await photoBlobKeys(dataSource));
    expect(store.keys).toHaveLength(CLAIMS * 2 * 3);

    // The killed transactions left no trace in the audit chain, which still verifies.
    const report = await testApp.app.get(AuditVerificationService).verify();
    expect(report.ok).toBe(true);
    expect(second.child.exitCode).toBeNull();
  });
});
