import request from 'supertest';
import { JobName, QueueName } from '../src/jobs/job-registry';
import { JobQueueService } from '../src/jobs/job-queue.service';
import { tokenFor } from './support/auth-helpers';
import { startProcess, type RunningProcess } from './support/processes';
import { waitFor } from './support/wait-for';
import { startTestApp, type TestApp } from './support/test-app';

interface ProbeState {
  completions: Array<{ seq: number; attempts: number; workerPid: number }>;
}

describe('jobs: enqueued by the API, processed by a separate worker process', () => {
  let testApp: TestApp;
  let worker: RunningProcess;
  let adminToken: string;

  beforeAll(async () => {
    // The API process runs no processors: only the worker below can run the job.
    testApp = await startTestApp({ processJobs: false, label: 'jobs' });
    adminToken = await tokenFor(testApp, 'admin');
    worker = startProcess('dist/src/worker.js', [], { ...testApp.env, LOG_LEVEL: 'info', MIGRATIONS_RUN: 'false' });
    await waitFor(async () => (worker.output().includes('worker started') ? true : undefined), {
      timeoutMs: 30_000,
      description: 'the worker to start',
    });
  });

  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await testApp?.close();
  });

  const asAdmin = () => ({ Authorization: `Bearer ${adminToken}` });
  const http = () => request(testApp.app.getHttpServer());

  /** Enqueues a probe job (as the admin); its id. */
  async function startProbe(options: { failTimes?: number; holdMs?: number }): Promise<{ probeId: string }> {
    return (await http().post('/v1/ops/probe-jobs').set(asAdmin()).send(options).expect(202)).body as {
      probeId: string;
    };
  }

  async function probe(probeId: string): Promise<ProbeState> {
    return (await http().get(`/v1/ops/probe-jobs/${probeId}`).set(asAdmin()).expect(200)).body as ProbeState;
  }

  it('a job that fails twice and then succeeds ends succeeded, once, in the worker process', async () => {
    const created = await startProbe({ failTimes: 2 });
    const probeId = created.probeId;
    const done = await waitFor(
      async () => {
        const state = await probe(probeId);
        return state.completions.length > 0 ? state : undefined;
      },
      { timeoutMs: 30_000, description: 'the probe job to complete' },
    );
    expect(done.completions).toHaveLength(1);
    expect(done.completions[0].attempts).toBe(3);
    expect(done.completions[0].workerPid).toBe(worker.child.pid);
    expect(done.completions[0].workerPid).not.toBe(process.pid);

    // Completed jobs are removed from Redis; the two failed attempts were retries, not separate jobs.
    // Once no probe job is left at all (no delayed retry, no active run a stalled check could restart),
    // no second completion can follow the one above.
    const queue = testApp.app.get(JobQueueService).queue(QueueName.Maintenance);
    await waitFor(
      async () => {
        const left = await queue.getJobs(['active', 'waiting', 'delayed', 'paused']);
        return left.every((job) => job?.name !== JobName.MaintenanceProbe);
      },
      { timeoutMs: 10_000, description: 'no probe job left in the maintenance queue' },
    );
    expect(await queue.getJobCounts()).toMatchObject({ completed: 0, failed: 0, active: 0, waiting: 0 });
    expect((await probe(probeId)).completions).toHaveLength(1);
  });

  it('SIGTERM lets the worker finish the job it is running before it exits', async () => {
    const created = await startProbe({ holdMs: 2000 });
    const queue = testApp.app.get(JobQueueService).queue(QueueName.Maintenance);
    await waitFor(async () => (await queue.getActiveCount()) > 0, {
      timeoutMs: 15_000,
      description: 'the job to be running',
    });
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    // Nest re-raises the signal once its shutdown hooks are done, so a clean drain ends "killed by SIGTERM".
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    const state = await probe(created.probeId);
    expect(state.completions).toHaveLength(1);
    expect(worker.output()).toContain('draining: no new jobs, waiting for running ones');
  });
});
