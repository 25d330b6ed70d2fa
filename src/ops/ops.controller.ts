import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { eventDetailsOf } from '../audit/audit.repository';
import { RequirePolicy } from '../auth/access.decorators';
import { TransactionRunner } from '../database/transaction-runner';
import { JobName } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { PROBE_COMPLETED, type MaintenanceProbeData } from '../jobs/maintenance-probe.handler';

export class CreateProbeDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10) failTimes?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000) holdMs?: number;
}

/** Operator endpoints: a probe job that exercises queue, worker, retries and audit end to end. */
@ApiTags('ops')
@Controller('v1/ops')
export class OpsController {
  constructor(
    private readonly jobs: JobQueueService,
    private readonly transactions: TransactionRunner,
  ) {}

  @Post('probe-jobs')
  @RequirePolicy('manage', 'Ops')
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
  @RequirePolicy('manage', 'Ops')
  async probe(@Param('probeId', new ParseUUIDPipe()) probeId: string) {
    const events = await eventDetailsOf(this.transactions.manager, PROBE_COMPLETED, probeId);
    return { probeId, completions: events.map((event) => ({ seq: event.seq, ...event.details })) };
  }
}
