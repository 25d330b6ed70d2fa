import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { CryptoModule } from '../crypto/crypto.module';
import { JobsModule } from '../jobs/jobs.module';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookEventsRepository } from './webhook-events.repository';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookSecretKeyHolder } from './webhook-secret-key-holder';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookTransport } from './webhook-transport';
import { WebhooksController } from './webhooks.controller';

/**
 * Webhooks for intake systems: endpoints, the outbox other modules emit claim events into
 * (WebhookOutbox, in their audited transactions), and signed delivery through the `webhooks` queue.
 */
@Module({
  imports: [AuditModule, AuthModule, ClaimsModule, CryptoModule, JobsModule],
  controllers: [WebhooksController],
  providers: [
    WebhookEndpointsRepository,
    WebhookEventsRepository,
    WebhookDeliveriesRepository,
    WebhookSecrets,
    WebhookTransport,
    WebhookDeliveryService,
    WebhookEndpointsService,
    WebhookOutbox,
    WebhookSecretKeyHolder,
  ],
  exports: [WebhookOutbox, WebhookEndpointsService, WebhookDeliveryService, WebhookTransport, WebhookEventsRepository],
})
export class WebhooksModule {}
