import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, UuidParam, Can } from '../common/api-docs';
import type { Response } from 'express';
import { Caller } from '../audit/audit-context';
import {
  AssignTaskDto,
  BulkReassignDto,
  DashboardQuery,
  DecideTaskDto,
  ListTasksQuery,
  NextTaskQuery,
  OverrideDecisionDto,
} from './review.dto';
import { BulkReassignResult, TeamDashboard } from './review.views';
import { ReviewService, DecisionResult } from './review.service';
import { ReviewQueryService, TaskDetail, TaskPage } from './review-query.service';
import { reasonCodeCatalogue, ReasonCodeCatalogue } from './review-policy';
import { TaskView } from './review-rows';

/** The review queue (DESIGN.md section 5): HTTP shape only; rules in ReviewService and the ability factory. */
@ApiTags('review')
@ApiStaffAuth()
@Controller('v1/review')
export class ReviewController {
  constructor(
    private readonly review: ReviewService,
    private readonly queries: ReviewQueryService,
  ) {}

  @Get('reason-codes')
  @Can('read', 'Decision', { ok: ReasonCodeCatalogue })
  reasonCodes(): ReasonCodeCatalogue {
    return reasonCodeCatalogue();
  }

  @Get('tasks')
  @Can('list', 'ReviewTask', { ok: TaskPage, errors: [400] })
  async list(@Query() query: ListTasksQuery, @Caller() { actor, ability }: Caller): Promise<TaskPage> {
    return this.queries.list(actor, ability, query);
  }

  /** 200 with the task now assigned to the caller, or 204 when nothing waits in its queue. */
  @Post('tasks/next')
  @Can('assign', 'ReviewTask', { ok: { type: TaskView, description: 'the task, now assigned to the caller' } })
  @ApiNoContentResponse({ description: "nothing waits in the caller's queue" })
  async next(
    @Query() query: NextTaskQuery,
    @Caller() { actor, ability, audit }: Caller,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TaskView | undefined> {
    const task = await this.review.claimNext(audit, actor, ability, query.status === 'escalated');
    if (!task) {
      response.status(HttpStatus.NO_CONTENT);
      return undefined;
    }
    response.status(HttpStatus.OK);
    return task;
  }

  /** Supervisors: moves many tasks of the team to one person at once (all or nothing, audited per task). */
  @Post('tasks/reassign')
  @HttpCode(HttpStatus.OK)
  @Can('update', 'TeamWorkload', { ok: BulkReassignResult, errors: [400, 404, 409, 422] })
  async reassign(
    @Body() body: BulkReassignDto,
    @Caller() { actor, ability, audit }: Caller,
  ): Promise<BulkReassignResult> {
    return this.review.reassignMany(audit, actor, ability, body);
  }

  /** Supervisors: SLA breaches, unassigned and escalated work, workload and decision quality per person. */
  @Get('dashboard')
  @Can('read', 'TeamWorkload', { ok: TeamDashboard, errors: [400] })
  async dashboard(@Query() query: DashboardQuery, @Caller() { actor, ability }: Caller): Promise<TeamDashboard> {
    return this.queries.dashboard(actor, ability, query.days ?? 30);
  }

  @Get('tasks/:id')
  @Can('read', 'ReviewTask', { ok: TaskDetail, errors: [404] })
  async detail(
    @UuidParam('id', 'ReviewTask not found') id: string,
    @Caller() { actor, ability }: Caller,
  ): Promise<TaskDetail> {
    return this.queries.detail(actor, ability, id);
  }

  @Post('tasks/:id/assign')
  @HttpCode(HttpStatus.OK)
  @Can('assign', 'ReviewTask', { ok: TaskView, errors: [400, 404, 409, 422] })
  async assign(
    @UuidParam('id', 'ReviewTask not found') id: string,
    @Body() body: AssignTaskDto,
    @Caller() { actor, ability, audit }: Caller,
  ): Promise<TaskView> {
    return this.review.assign(audit, actor, ability, id, body);
  }

  @Post('tasks/:id/decision')
  @HttpCode(HttpStatus.OK)
  @Can('decide', 'ReviewTask', { ok: DecisionResult, errors: [400, 404, 409, 422] })
  async decide(
    @UuidParam('id', 'ReviewTask not found') id: string,
    @Body() body: DecideTaskDto,
    @Caller() { actor, ability, audit }: Caller,
  ): Promise<DecisionResult> {
    return this.review.decide(audit, actor, ability, id, body);
  }

  @Post('tasks/:id/override')
  @HttpCode(HttpStatus.CREATED)
  @Can('override', 'Decision', { created: DecisionResult, errors: [400, 404, 409, 422] })
  async override(
    @UuidParam('id', 'ReviewTask not found') id: string,
    @Body() body: OverrideDecisionDto,
    @Caller() { actor, ability, audit }: Caller,
  ): Promise<DecisionResult> {
    return this.review.override(audit, actor, ability, id, body);
  }
}
