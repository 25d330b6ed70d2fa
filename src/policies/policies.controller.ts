import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../audit/audit-context';
import type { AppAbility } from '../auth/ability.factory';
import { RequirePolicy } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { AuditCtx, CurrentAbility, CurrentActor } from '../auth/request-context';
import { CreatePolicyDto } from './policies.dto';
import { PoliciesService, type PolicyView } from './policies.service';

@ApiTags('policies')
@Controller('v1/policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Post()
  @RequirePolicy('create', 'Policy')
  async create(
    @Body() body: CreatePolicyDto,
    @CurrentActor() actor: Actor,
    @AuditCtx() context: AuditContext,
  ): Promise<PolicyView> {
    return this.policies.create(context, actor, body);
  }

  @Get(':id')
  @RequirePolicy('read', 'Policy')
  async get(@Param('id') id: string, @CurrentAbility() ability: AppAbility): Promise<PolicyView> {
    return this.policies.getFor(ability, id);
  }
}
