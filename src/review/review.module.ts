import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { ReviewController } from './review.controller';
import { ReviewService } from './review.service';
import { ReviewQueryService } from './review-query.service';

/** Review tasks, queues, assignment and decisions. Validation opens tasks through `ReviewService.openTask`. */
@Module({
  imports: [AuditModule, AuthModule],
  controllers: [ReviewController],
  providers: [ReviewService, ReviewQueryService],
  exports: [ReviewService],
})
export class ReviewModule {}
