import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { ReviewController } from './review.controller';
import { ReviewTasksRepository } from './review-tasks.repository';
import { ReviewService } from './review.service';
import { ReviewQueryService } from './review-query.service';

/** Review tasks, queues, assignment and decisions. Validation opens tasks through `ReviewService.openTask`. */
@Module({
  imports: [WebhooksModule, AuditModule, AuthModule, ClaimsModule],
  controllers: [ReviewController],
  providers: [ReviewService, ReviewQueryService, ReviewTasksRepository],
  exports: [ReviewService, ReviewTasksRepository],
})
export class ReviewModule {}
