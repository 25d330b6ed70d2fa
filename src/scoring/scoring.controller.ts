import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePolicy } from '../common/access.decorators';
import { ScoringStatusService } from './scoring-status.service';

/** Operator view of the scoring engine: the model this deployment runs and the re-embedding backfill. */
@ApiTags('scoring')
@Controller('v1/scoring')
export class ScoringController {
  constructor(private readonly status: ScoringStatusService) {}

  @Get('backfill')
  @RequirePolicy('manage', 'Ops')
  backfill() {
    return this.status.backfill();
  }
}
