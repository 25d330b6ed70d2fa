import { Body, Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, UuidParam, Can } from '../common/api-docs';
import { ProbeCreatedView, ProbeStatusView } from './ops.views';
import { OptionalInt } from '../common/dto-fields';
import { randomUUID } from 'node:crypto';
import { eventDetailsOf } from '../audit/audit.repository';
import { TransactionRunner } from '../database/transaction-runner';
import { JOB_QUEUE, JobName, type MaintenanceProbeData } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { PROBE_COMPLETED } from './maintenance-probe.handler';

export class CreateProbeDto {
  @OptionalInt({ minimum: 0, maximum: 10, default: 0, description: 'attempts that fail before one succeeds' })
  failTimes?: number;
  @OptionalInt({ minimum: 0, maximum: 10_000, default: 0, description: 'how long the job holds its worker' })
  holdMs?: number;
}

/** Operator endpoints: a probe job that exercises queue, worker, retries and audit end to end. */
@ApiTags('ops')
@ApiStaffAuth()
@Controller('v1/ops')
export class OpsController {
  constructor(
    private readonly jobs: JobQueueService,
    private readonly transactions: TransactionRunner,
  ) {}

  @Post('probe-jobs')
  @Can('manage', 'Ops', { accepted: ProbeCreatedView, errors: [400, 503] })
  @HttpCode(202)
  async createProbe(@Body() body: CreateProbeDto): Promise<{ probeId: string; jobId: string }> {
    const data: MaintenanceProbeData = {
      probeId: randomUUID(),
      failTimes: body.failTimes ?? 0,
      holdMs: body.holdMs ?? 0,
    };
    const job = await this.jobs.enqueue(JobName.MaintenanceProbe, data, { jobId: `probe:${data.probeId}` });
    return { probeId: data.probeId, jobId: String(job.id) };
  }

  @Get('probe-jobs/:probeId')
  @Can('manage', 'Ops', { ok: ProbeStatusView, errors: [404] })
  async probe(@UuidParam('probeId', 'probe not found') probeId: string): Promise<ProbeStatusView> {
    const events = await eventDetailsOf(this.transactions.manager, PROBE_COMPLETED, probeId);
    // Not completed yet: known only while its job is in the queue (waiting, running, retrying or failed).
    if (events.length === 0) {
      const job = await this.jobs.queue(JOB_QUEUE[JobName.MaintenanceProbe]).getJob(`probe:${probeId}`);
      if (!job) throw new NotFoundException('probe job not found');
    }
    return { probeId, completions: events.map((event) => ({ seq: event.seq, ...event.details })) };
  }
}
