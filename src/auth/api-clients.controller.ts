import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import { RequirePolicy } from '../common/access.decorators';
import { ApiClientsService, type ApiClientView, type ApiKeyView } from './api-clients.service';
import { TEAM_PATTERN } from './users.controller';

export class CreateApiClientDto {
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be lowercase letters, digits, dot, dash or underscore' })
  team!: string;
}

export class CreateApiKeyDto {
  @IsOptional() @IsISO8601() expiresAt?: string;
}

@ApiTags('api-clients')
@Controller('v1/api-clients')
export class ApiClientsController {
  constructor(private readonly clients: ApiClientsService) {}

  /** The key is in this response only; it is stored as a hash. */
  @Post()
  @RequirePolicy('create', 'ApiClient')
  async create(@Body() body: CreateApiClientDto, @AuditCtx() context: AuditContext) {
    return this.clients.create(context, body);
  }

  @Get()
  @RequirePolicy('list', 'ApiClient')
  async list(): Promise<{ items: ApiClientView[] }> {
    return { items: await this.clients.list() };
  }

  /** Rotation: adds a key; the old one keeps working until it is deleted or expires. */
  @Post(':id/keys')
  @RequirePolicy('update', 'ApiClient')
  async addKey(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CreateApiKeyDto,
    @AuditCtx() context: AuditContext,
  ) {
    return this.clients.addKey(context, id, { expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined });
  }

  @Delete(':id/keys/:keyId')
  @RequirePolicy('update', 'ApiClient')
  async revokeKey(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('keyId', new ParseUUIDPipe()) keyId: string,
    @AuditCtx() context: AuditContext,
  ): Promise<ApiKeyView> {
    return this.clients.revokeKey(context, id, keyId);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @RequirePolicy('update', 'ApiClient')
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @AuditCtx() context: AuditContext,
  ): Promise<ApiClientView> {
    return this.clients.revoke(context, id);
  }
}
