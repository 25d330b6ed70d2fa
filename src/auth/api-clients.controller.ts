import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, UuidParam, Can } from '../common/api-docs';
import { ApiClientList, CreatedApiClientView, CreatedApiKeyView, RotatedApiKeyView } from './auth.views';
import { IsISO8601, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Caller } from '../audit/audit-context';
import { ApiClientsService, ApiClientView, ApiKeyView } from './api-clients.service';
import { TEAM_PATTERN } from './users.controller';

export class CreateApiClientDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @ApiProperty({ pattern: TEAM_PATTERN.source })
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be lowercase letters, digits, dot, dash or underscore' })
  team!: string;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'absent: never expires' })
  @IsOptional()
  @IsISO8601()
  expiresAt?: string;
}

export class RotateApiKeyDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 90 * 86400,
    description: 'seconds the old keys keep working; absent: API_KEY_ROTATION_OVERLAP_S',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(90 * 86400)
  overlapSeconds?: number;
}

@ApiTags('api-clients')
@ApiStaffAuth()
@Controller('v1/api-clients')
export class ApiClientsController {
  constructor(private readonly clients: ApiClientsService) {}

  /** The key is in this response only; it is stored as a hash. */
  @Post()
  @Can('create', 'ApiClient', { created: CreatedApiClientView, errors: [400] })
  async create(@Body() body: CreateApiClientDto, @Caller() { audit }: Caller) {
    return this.clients.create(audit, body);
  }

  @Get()
  @Can('list', 'ApiClient', { ok: ApiClientList })
  async list(): Promise<{ items: ApiClientView[] }> {
    return { items: await this.clients.list() };
  }

  /** Rotation: adds a key; the old one keeps working until it is deleted or expires. */
  @Post(':id/keys')
  @Can('update', 'ApiClient', { created: CreatedApiKeyView, errors: [400, 404] })
  async addKey(
    @UuidParam('id', 'API client not found') id: string,
    @Body() body: CreateApiKeyDto,
    @Caller() { audit }: Caller,
  ) {
    return this.clients.addKey(audit, id, { expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined });
  }

  /** Rotation with an overlap window: a new key; the old keys keep working until the window ends. */
  @Post(':id/rotate-key')
  @Can('update', 'ApiClient', { created: RotatedApiKeyView, errors: [400, 404] })
  async rotateKey(
    @UuidParam('id', 'API client not found') id: string,
    @Body() body: RotateApiKeyDto,
    @Caller() { audit }: Caller,
  ) {
    return this.clients.rotateKey(audit, id, { overlapS: body.overlapSeconds });
  }

  @Delete(':id/keys/:keyId')
  @Can('update', 'ApiClient', { ok: { type: ApiKeyView, description: 'the key, now revoked' }, errors: [404] })
  async revokeKey(
    @UuidParam('id', 'API client not found') id: string,
    @UuidParam('keyId', 'API key not found') keyId: string,
    @Caller() { audit }: Caller,
  ): Promise<ApiKeyView> {
    return this.clients.revokeKey(audit, id, keyId);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Can('update', 'ApiClient', {
    ok: { type: ApiClientView, description: 'the client, now revoked with all its keys' },
    errors: [404],
  })
  async revoke(
    @UuidParam('id', 'API client not found') id: string,
    @Caller() { audit }: Caller,
  ): Promise<ApiClientView> {
    return this.clients.revoke(audit, id);
  }
}
