import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import type { AppAbility } from '../common/access.decorators';
import { RequirePolicy } from '../common/access.decorators';
import type { Actor } from '../common/actor';
import { CurrentAbility, CurrentActor } from '../common/request-context';
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
