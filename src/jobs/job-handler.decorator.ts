import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bull';
import type { JobName, JobPayloads, JobStatus } from './job-registry';

export const JOB_HANDLER_METADATA = 'claims:job-handler';

/** The shape a handler of job `N` must have: it takes that job's payload. */
export type JobHandlerMethod<N extends JobName> = (job: Job<JobPayloads[N]>) => Promise<JobStatus>;

/** Marks a service method as the handler of one job; a method taking another job's payload does not compile. */
export const JobHandler =
  <N extends JobName>(job: N) =>
  <M extends JobHandlerMethod<N>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    SetMetadata(JOB_HANDLER_METADATA, job)(target, key, descriptor);
  };
