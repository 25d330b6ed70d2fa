import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, Can } from '../common/api-docs';
import { BackfillStatusView } from './scoring.views';
import { ScoringStatusService } from './scoring-status.service';

/** Operator view of the scoring engine: the model this deployment runs and the re-embedding backfill. */
@ApiTags('scoring')
@ApiStaffAuth()
@Controller('v1/scoring')
export class ScoringController {
  constructor(private readonly status: ScoringStatusService) {}

  @Get('backfill')
  @Can('manage', 'Ops', { ok: BackfillStatusView })
  backfill() {
    return this.status.backfill();
  }
}
