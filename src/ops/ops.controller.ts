import { Body, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RequirePolicy } from '../auth/access.decorators';
import { JOB_QUEUE, JobName } from '../jobs/job-registry';
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
    private readonly dataSource: DataSource,
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
    const rows = (await this.dataSource.query(
      `SELECT seq, details FROM audit_events WHERE action = $1 AND resource_id = $2 ORDER BY seq`,
      [PROBE_COMPLETED, probeId],
    )) as Array<{ seq: string; details: Record<string, unknown> }>;
    // Not completed yet: known only while its job is in the queue (waiting, running, retrying or failed).
    if (rows.length === 0) {
      const job = await this.jobs.queue(JOB_QUEUE[JobName.MaintenanceProbe]).getJob(`probe:${probeId}`);
      if (!job) throw new NotFoundException('probe job not found');
    }
    return { probeId, completions: rows.map((row) => ({ seq: Number(row.seq), ...row.details })) };
  }
}
