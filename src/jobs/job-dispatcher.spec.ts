import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { getQueueToken } from '@nestjs/bull';
import { APP_CONFIG } from '../config/app-config';
import { loadConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { JobDispatcher, JobRegistryError } from './job-dispatcher';
import { JobHandler } from './job-handler.decorator';
import { ALL_QUEUES, JobName, JobStatus } from './job-registry';

@Injectable()
class FirstProbeHandler {
  @JobHandler(JobName.MaintenanceProbe)
  async handle(): Promise<JobStatus> {
    return JobStatus.Success;
  }
}

@Injectable()
class SecondProbeHandler {
  @JobHandler(JobName.MaintenanceProbe)
  async handle(): Promise<JobStatus> {
    return JobStatus.Skipped;
  }
}

@Injectable()
class Unrelated {}

/** Handles every other job of the registry, so these tests only vary the probe job's handlers. */
@Injectable()
class OtherJobHandlers {}
for (const job of Object.values(JobName).filter((name) => name !== JobName.MaintenanceProbe)) {
  const method = `handle_${job}`;
  Object.defineProperty(OtherJobHandlers.prototype, method, {
    value: async () => JobStatus.Success,
    writable: true,
    configurable: true,
  });
  JobHandler(job)(
    OtherJobHandlers.prototype,
    method,
    Object.getOwnPropertyDescriptor(OtherJobHandlers.prototype, method)!,
  );
}

async function boot(handlers: Array<new () => unknown>) {
  const processed: string[] = [];
  const fakeQueues = ALL_QUEUES.map((name) => ({
    provide: getQueueToken(name),
    // No Redis in a unit test: the queue only records that a processor was attached.
    useValue: { name, process: () => processed.push(name), close: async () => undefined },
  }));
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [
      JobDispatcher,
      MetricsService,
      { provide: APP_CONFIG, useValue: loadConfig({}) },
      ...fakeQueues,
      OtherJobHandlers,
      ...handlers,
    ],
  }).compile();
  return { app: moduleRef.createNestApplication(), processed };
}

describe('JobDispatcher', () => {
  it('starts one processor per queue when every job has exactly one handler', async () => {
    const { app, processed } = await boot([FirstProbeHandler, Unrelated]);
    await app.init();
    expect(processed.sort()).toEqual([...ALL_QUEUES].sort());
    await app.close();
  });

  it('refuses to start when a job has no handler', async () => {
    const { app } = await boot([Unrelated]);
    await expect(app.init()).rejects.toThrow(
      new JobRegistryError(`job registry is inconsistent: job ${JobName.MaintenanceProbe} has no handler`),
    );
  });

  it('refuses to start when a job has two handlers', async () => {
    const { app } = await boot([FirstProbeHandler, SecondProbeHandler]);
    await expect(app.init()).rejects.toThrow(
      /ops\.probe has 2 handlers: FirstProbeHandler\.handle, SecondProbeHandler\.handle/,
    );
  });
});
