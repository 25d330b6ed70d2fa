import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiStaffAuth, UuidParam } from '../common/api-docs';
import { ProbeCreatedView, ProbeStatusView } from './ops.views';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RequirePolicy } from '../common/access.decorators';
import { JobName, type MaintenanceProbeData } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { PROBE_COMPLETED } from './maintenance-probe.handler';

export class CreateProbeDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 10, default: 0, description: 'attempts that fail before one succeeds' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  failTimes?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 10_000, default: 0, description: 'how long the job holds its worker' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  holdMs?: number;
}

/** Operator endpoints: a probe job that exercises queue, worker, retries and audit end to end. */
@ApiTags('ops')
@ApiStaffAuth()
@Controller('v1/ops')
export class OpsController {
  constructor(
    private readonly jobs: JobQueueService,
    private readonly dataSource: DataSource,
  ) {}

  @Post('probe-jobs')
  @RequirePolicy('manage', 'Ops')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ProbeCreatedView })
  @ApiErrors(400, 503)
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
  @ApiOkResponse({ type: ProbeStatusView })
  @ApiErrors(404)
  async probe(@UuidParam('probeId', 'probe not found') probeId: string): Promise<ProbeStatusView> {
    const rows = (await this.dataSource.query(
      `SELECT seq, details FROM audit_events WHERE action = $1 AND resource_id = $2 ORDER BY seq`,
      [PROBE_COMPLETED, probeId],
    )) as Array<{ seq: string; details: Record<string, unknown> }>;
    return { probeId, completions: rows.map((row) => ({ seq: Number(row.seq), ...row.details })) };
  }
}
