import { Controller, Get, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, Can } from '../common/api-docs';
import { AuditEventPage, AuditVerifyReportView, CheckpointPage, CheckpointResultView } from './audit.views';
import type { Response } from 'express';
import { Caller } from './audit-context';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { AuditVerificationService } from './audit-verification.service';
import { AuditPageDto, ExportAuditDto, SearchAuditEventsDto, VerifyAuditDto } from './audit.dto';

/** Audit search, checkpoints, verification and export, for compliance and admin (DESIGN.md §5–6). */
@ApiTags('audit')
@ApiStaffAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly checkpoints: AuditCheckpointService,
    private readonly verification: AuditVerificationService,
    private readonly exports: AuditExportService,
  ) {}

  @Get('events')
  @Can('read', 'AuditEvent', { ok: AuditEventPage, errors: [400] })
  @ApiOperation({ summary: 'Search audit events, newest first' })
  async events(@Query() query: SearchAuditEventsDto) {
    return this.query.search(query);
  }

  @Get('checkpoints')
  @Can('read', 'AuditEvent', { ok: CheckpointPage, errors: [400] })
  @ApiOperation({ summary: 'Signed checkpoints, newest first' })
  async listCheckpoints(@Query() query: AuditPageDto) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    return { items: await this.checkpoints.list({ offset: (page - 1) * pageSize, limit: pageSize }), page, pageSize };
  }

  @Post('checkpoints')
  @HttpCode(201)
  @Can('verify', 'AuditEvent', {
    created: { type: CheckpointResultView, description: 'a new checkpoint' },
    ok: { type: CheckpointResultView, description: 'the head had not moved: the last checkpoint' },
  })
  @ApiOperation({
    summary: 'Sign a checkpoint of the current head (201), or return the last one when the head has not moved (200)',
  })
  async createCheckpoint(@Caller() { audit }: Caller, @Res({ passthrough: true }) response: Response) {
    const result = await this.checkpoints.create(audit, 'on_demand');
    response.status(result.created ? 201 : 200);
    return result;
  }

  @Get('verify')
  @Can('verify', 'AuditEvent', { ok: AuditVerifyReportView, errors: [400, 404] })
  @ApiOperation({ summary: 'Verify the chain and every checkpoint; reports the first problem' })
  async verify(@Query() query: VerifyAuditDto) {
    return this.verification.verify({ fromCheckpoint: query.fromCheckpoint });
  }

  @Get('export')
  @Can('export', 'AuditEvent', { errors: [400] })
  @ApiOperation({ summary: 'Stream an export (jsonl: header line first; csv: "# header" comment line first)' })
  @ApiOkResponse({
    description: 'an attachment: one JSON object per line (jsonl) or CSV rows, after the signed header',
    content: {
      'application/x-ndjson': { schema: { type: 'string', format: 'binary' } },
      'text/csv': { schema: { type: 'string', format: 'binary' } },
    },
  })
  async export(@Query() query: ExportAuditDto, @Caller() { audit }: Caller): Promise<StreamableFile> {
    const result = await this.exports.open(audit, {
      format: query.format ?? 'jsonl',
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    return new StreamableFile(result.body, {
      type: result.contentType,
      disposition: `attachment; filename="${result.fileName}"`,
    });
  }
}
