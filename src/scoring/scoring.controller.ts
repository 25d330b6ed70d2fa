import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth } from '../common/api-docs';
import { BackfillStatusView } from './scoring.views';
import { RequirePolicy } from '../common/access.decorators';
import { ScoringStatusService } from './scoring-status.service';

/** Operator view of the scoring engine: the model this deployment runs and the re-embedding backfill. */
@ApiTags('scoring')
@ApiStaffAuth()
@Controller('v1/scoring')
export class ScoringController {
  constructor(private readonly status: ScoringStatusService) {}

  @Get('backfill')
  @RequirePolicy('manage', 'Ops')
  @ApiOkResponse({ type: BackfillStatusView })
  backfill() {
    return this.status.backfill();
  }
}
