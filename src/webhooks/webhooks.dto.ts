import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { PageParam, PageSizeParam } from '../common/dto-fields';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events';

const URL_DOC = {
  maxLength: 2000,
  example: 'https://intake.example.com/hooks/claims',
  description:
    'https:// (http:// only for hosts on the operator allow-list WEBHOOKS_ALLOWED_HOSTS); its host must resolve to public addresses only unless allow-listed',
};
const EVENTS_DOC = {
  enum: WEBHOOK_EVENT_TYPES,
  enumName: 'WebhookEventType',
  isArray: true,
  description: 'the events to receive (at least one)',
};

export class CreateWebhookDto {
  @ApiProperty(URL_DOC) @IsString() @MaxLength(2000) url!: string;

  @ApiProperty(EVENTS_DOC)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `each event must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  events!: WebhookEventType[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'admins: the API client the endpoint is for (required); intake systems: their own id or absent',
  })
  @IsOptional()
  @IsUUID()
  clientId?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional(URL_DOC) @IsOptional() @IsString() @MaxLength(2000) url?: string;

  @ApiPropertyOptional(EVENTS_DOC)
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `each event must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ description: 'true re-enables a disabled endpoint (and clears its failure state)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ListWebhooksQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'admins: only this API client’s endpoints' })
  @IsOptional()
  @IsUUID()
  clientId?: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export class ListDeliveriesQuery {
  @PageParam() page?: number;
  @PageSizeParam(200, 50) pageSize?: number;
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];
}
