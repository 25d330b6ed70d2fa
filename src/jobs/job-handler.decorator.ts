import { SetMetadata } from '@nestjs/common';
import type { JobName } from './job-registry';

export const JOB_HANDLER_METADATA = 'claims:job-handler';

/** Marks a service method as the handler of one job. */
export const JobHandler = (job: JobName): MethodDecorator => SetMetadata(JOB_HANDLER_METADATA, job);
