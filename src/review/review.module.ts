import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { ReviewController } from './review.controller';
import { ReviewTasksRepository } from './review-tasks.repository';
import { ReviewService } from './review.service';
import { ReviewQueryService } from './review-query.service';
import { InformationRequestExpiry } from './information-request-expiry.handler';
import { JobsModule } from '../jobs/jobs.module';
import { PhotoViewsRepository } from './photo-views.repository';

/** Review tasks, queues, assignment and decisions. Validation opens tasks through `ReviewService.openTask`. */
@Module({
  imports: [WebhooksModule, AuditModule, AuthModule, ClaimsModule, JobsModule],
  controllers: [ReviewController],
  providers: [ReviewService, ReviewQueryService, ReviewTasksRepository, InformationRequestExpiry, PhotoViewsRepository],
  exports: [ReviewService, ReviewTasksRepository, InformationRequestExpiry, PhotoViewsRepository],
})
export class ReviewModule {}
