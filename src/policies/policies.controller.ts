import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiIntakeAuth, UuidParam, Can } from '../common/api-docs';
import { Caller } from '../audit/audit-context';
import { CreatePolicyDto } from './policies.dto';
import { PoliciesService, PolicyView } from './policies.service';

@ApiTags('policies')
@ApiIntakeAuth()
@Controller('v1/policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Post()
  @Can('create', 'Policy', { created: PolicyView, errors: [400, 409, 422] })
  async create(@Body() body: CreatePolicyDto, @Caller() { actor, audit }: Caller): Promise<PolicyView> {
    return this.policies.create(audit, actor, body);
  }

  @Get(':id')
  @Can('read', 'Policy', { ok: PolicyView, errors: [404] })
  async get(@UuidParam('id', 'Policy not found') id: string, @Caller() { ability }: Caller): Promise<PolicyView> {
    return this.policies.getFor(ability, id);
  }
}
