import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiIntakeAuth, UuidParam } from '../common/api-docs';
import type { AuditContext } from '../audit/audit-context';
import type { AppAbility } from '../auth/ability.factory';
import { RequirePolicy } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { AuditCtx, CurrentAbility, CurrentActor } from '../auth/request-context';
import { CreatePolicyDto } from './policies.dto';
import { PoliciesService, PolicyView } from './policies.service';

@ApiTags('policies')
@ApiIntakeAuth()
@Controller('v1/policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Post()
  @RequirePolicy('create', 'Policy')
  @ApiCreatedResponse({ type: PolicyView })
  @ApiErrors(400, 409, 422)
  async create(
    @Body() body: CreatePolicyDto,
    @CurrentActor() actor: Actor,
    @AuditCtx() context: AuditContext,
  ): Promise<PolicyView> {
    return this.policies.create(context, actor, body);
  }

  @Get(':id')
  @RequirePolicy('read', 'Policy')
  @ApiOkResponse({ type: PolicyView })
  @ApiErrors(404)
  async get(
    @UuidParam('id', 'Policy not found') id: string,
    @CurrentAbility() ability: AppAbility,
  ): Promise<PolicyView> {
    return this.policies.getFor(ability, id);
  }
}
