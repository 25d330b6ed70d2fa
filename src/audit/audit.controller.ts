import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../common/access.decorators';
import { ApiErrors, ApiStaffAuth, Can } from '../common/api-docs';
import {
  AuditEventPage,
  AuditSavedSearchView,
  AuditVerifyReportView,
  ClaimExportView,
  ConsistencyProofView,
  CosignaturePage,
  CosignatureResultView,
  InclusionProofView,
  TreeHeadPage,
  TreeHeadResultView,
} from './audit.views';
import type { Response } from 'express';
import { Caller } from './audit-context';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService, auditFilterOf } from './audit-query.service';
import { AuditSavedSearchRepository } from './audit-saved-search.repository';
import { isUuid } from '../common/uuid';
import { AuditVerificationService } from './audit-verification.service';
import type { TreeHeadRecord } from './audit-log.repository';
import { AuditProofService } from './audit-proof.service';
import { AuditCtx, type AuditContext } from './audit-context';
import type { CosignatureRecord } from './audit-cosignature.repository';
import { AuditWitnessService } from './audit-witness.service';
import { AuditClaimExportService } from './audit-claim-export.service';
import {
  AddCosignatureDto,
  ListCosignaturesDto,
  AuditPageDto,
  ConsistencyProofDto,
  ExportAuditDto,
  InclusionProofDto,
  SaveAuditSearchDto,
  SearchAuditEventsDto,
} from './audit.dto';

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
    private readonly proofs: AuditProofService,
    private readonly witnesses: AuditWitnessService,
    private readonly claimExports: AuditClaimExportService,
    private readonly savedSearches: AuditSavedSearchRepository,
  ) {}

  @Get('saved-searches')
  @Can('list', 'AuditSavedSearch', { ok: [AuditSavedSearchView] })
  @ApiOperation({ summary: "The caller's saved audit searches, by name" })
  async listSavedSearches(@Caller() { actor }: Caller) {
    return (await this.savedSearches.listOf(actor.id)).map(savedSearchView);
  }

  @Post('saved-searches')
  @Can('create', 'AuditSavedSearch', { created: AuditSavedSearchView, errors: [400] })
  @ApiOperation({ summary: 'Save the filters of a search under a name (the same name replaces it); per user' })
  async saveSearch(@Body() body: SaveAuditSearchDto, @Caller() { actor }: Caller) {
    const filters = Object.fromEntries(
      Object.entries(body.filters).filter(([, value]) => value !== undefined && value !== ''),
    ) as Record<string, unknown>;
    return savedSearchView(await this.savedSearches.upsert(actor.id, body.name.trim(), filters));
  }

  @Delete('saved-searches/:id')
  @HttpCode(204)
  @Can('delete', 'AuditSavedSearch', { errors: [404] })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiOperation({ summary: 'Delete one of your saved searches (404: none of yours has this id)' })
  async deleteSavedSearch(@Param('id') id: string, @Caller() { actor }: Caller): Promise<void> {
    if (!isUuid(id) || !(await this.savedSearches.delete(actor.id, id)))
      throw new NotFoundException('Saved search not found');
  }

  @Get('events')
  @Can('read', 'AuditEvent', { ok: AuditEventPage, errors: [400] })
  @ApiOperation({ summary: 'Search audit events, newest first' })
  async events(@Query() query: SearchAuditEventsDto) {
    return this.query.search(query);
  }

  @Get('checkpoints')
  @Can('read', 'AuditEvent', { ok: TreeHeadPage, errors: [400] })
  @ApiOperation({ summary: 'Signed tree heads (C2SP checkpoints), largest tree first' })
  async listCheckpoints(@Query() query: AuditPageDto) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { items, total } = await this.checkpoints.list({ offset: (page - 1) * pageSize, limit: pageSize });
    return { items: items.map(treeHeadView), page, pageSize, total };
  }

  @Post('checkpoints')
  @HttpCode(201)
  @Can('verify', 'AuditEvent', {
    created: { type: TreeHeadResultView, description: 'a new signed tree head' },
    ok: { type: TreeHeadResultView, description: 'the tree had not changed: the latest signed head' },
  })
  @ApiOperation({
    summary:
      'Sequence every committed event and sign a tree head of the result (201), or return the latest head when the tree has not changed (200)',
  })
  async createCheckpoint(@Caller() { audit }: Caller, @Res({ passthrough: true }) response: Response) {
    const result = await this.checkpoints.create(audit, 'on_demand');
    response.status(result.created ? 201 : 200);
    return { checkpoint: treeHeadView(result.checkpoint), created: result.created };
  }

  @Get('events/:index/proof')
  @Can('verify', 'AuditEvent', { ok: InclusionProofView, errors: [400, 404] })
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of the event at a log index in a tree of treeSize leaves' })
  @ApiParam({ name: 'index', description: 'log index (0-based)', type: Number })
  async inclusionProof(
    @Param('index', new ParseIntPipe({ errorHttpStatusCode: 400 })) index: number,
    @Query() query: InclusionProofDto,
  ) {
    if (index < 0) throw new BadRequestException('index must be a non-negative integer');
    return this.proofs.inclusion(index, query.treeSize);
  }

  @Get('verify')
  @Can('verify', 'AuditEvent', { ok: AuditVerifyReportView, errors: [400] })
  @ApiOperation({
    summary: 'Verify the whole log: every leaf, the rebuilt tree, every signed tree head; reports the first problem',
  })
  async verify() {
    return this.witnesses.withWitnesses(await this.verification.verify());
  }

  @Get('claims/:claimId/export')
  @Can('export', 'AuditEvent', { ok: ClaimExportView, errors: [400, 404] })
  @ApiOperation({
    summary:
      "A claim's history: its events, each with an RFC 9162 inclusion proof against one signed tree head (with witness cosignatures); verifiable offline (audit:verify-export) and by any RFC 6962 verifier. Audited.",
  })
  @ApiParam({
    name: 'claimId',
    description: 'the claim id (events of resource claim/<id> or naming it in details.claimId)',
  })
  async exportClaim(@Param('claimId') claimId: string, @Caller() { audit }: Caller) {
    if (claimId.length > 200) throw new BadRequestException('claimId is too long');
    return this.claimExports.export(audit, claimId);
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
    const result = await this.exports.open(audit, { format: query.format ?? 'jsonl', ...auditFilterOf(query) });
    return new StreamableFile(result.body, {
      type: result.contentType,
      disposition: `attachment; filename="${result.fileName}"`,
    });
  }
}

function savedSearchView(row: { id: string; name: string; filters: Record<string, unknown>; createdAt: Date }) {
  return { id: row.id, name: row.name, filters: row.filters, createdAt: row.createdAt.toISOString() };
}

function treeHeadView(head: TreeHeadRecord) {
  return {
    treeSize: head.treeSize,
    rootHash: head.rootHash.toString('base64'),
    signedAt: head.signedAt.toISOString(),
    keyName: head.keyName,
    keyId: head.keyId,
    note: head.note,
  };
}

/**
 * The log's public face, like a CT log's or Rekor's: the latest signed tree head and consistency
 * proofs hold only the origin, sizes and hashes — nothing about any claim or person — and are what
 * witnesses and outsiders need, so they need no login.
 */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditLogPublicController {
  constructor(
    private readonly proofs: AuditProofService,
    private readonly witnesses: AuditWitnessService,
  ) {}

  @Public()
  @Get('tree-head')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The latest signed tree head: a C2SP tlog-checkpoint signed note (public)' })
  @ApiOkResponse({
    description:
      'origin line, tree size, base64 root hash, blank line, "— <key name> <base64 key id ‖ Ed25519 signature>"',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrors(404)
  async treeHead(): Promise<string> {
    // The latest head with the witnesses' cosignature lines (C2SP tlog-cosignature) after the log's.
    return (await this.witnesses.latestCosignedNote()) ?? (await this.proofs.latestHead()).note;
  }

  /** Self-authenticating: only a configured witness key's valid cosignature of a head this log signed is kept. */
  @Public()
  @Post('tree-head/cosignatures')
  @HttpCode(201)
  @ApiOperation({
    summary:
      "Store a witness's cosignature of a signed tree head (public: accepted only when it verifies with a key in AUDIT_WITNESS_KEYS and cosigns a head this log signed)",
  })
  @ApiCreatedResponse({ type: CosignatureResultView, description: 'stored' })
  @ApiOkResponse({ type: CosignatureResultView, description: 'this witness key had already cosigned this head' })
  @ApiErrors(400, 403, 422)
  async addCosignature(
    @Body() body: AddCosignatureDto,
    @AuditCtx() context: AuditContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.witnesses.add(context, body);
    response.status(result.created ? 201 : 200);
    return { created: result.created, cosignature: cosignatureView(result.cosignature) };
  }

  @Public()
  @Get('tree-head/cosignatures')
  @ApiOperation({ summary: "Witnesses' cosignatures of signed tree heads, largest tree first (public)" })
  @ApiOkResponse({ type: CosignaturePage })
  @ApiErrors(400)
  async listCosignatures(@Query() query: ListCosignaturesDto) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { items, total } = await this.witnesses.list({
      offset: (page - 1) * pageSize,
      limit: pageSize,
      treeSize: query.treeSize,
    });
    return { items: items.map(cosignatureView), page, pageSize, total };
  }

  @Public()
  @Get('consistency')
  @ApiOperation({ summary: 'RFC 9162 consistency proof between tree sizes first and second (public)' })
  @ApiOkResponse({ type: ConsistencyProofView })
  @ApiErrors(400)
  async consistency(@Query() query: ConsistencyProofDto) {
    return this.proofs.consistency(query.first, query.second);
  }
}

function cosignatureView(c: CosignatureRecord) {
  return {
    id: c.id,
    treeSize: c.treeSize,
    witnessName: c.witnessName,
    keyId: c.keyId,
    cosignedAt: c.cosignedAt.toISOString(),
    line: c.line,
    receivedAt: c.receivedAt.toISOString(),
  };
}
