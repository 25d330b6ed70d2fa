import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ClaimsModule } from '../claims/claims.module';
import { EnvelopeCrypto } from './envelope-crypto';
import { IntakeKeysController } from './intake-keys.controller';
import { IntakeKeys } from './intake-keys.service';
import { KeyRing } from './key-ring';
import { KeyRotationService } from './key-rotation.service';
import { KeyRotationsRepository } from './key-rotations.repository';

/** Envelope encryption of evidence, the master key ring and its rotation, and the JWE intake key. */
@Module({
  imports: [AuditModule, ClaimsModule],
  controllers: [IntakeKeysController],
  providers: [KeyRing, EnvelopeCrypto, IntakeKeys, KeyRotationService, KeyRotationsRepository],
  exports: [KeyRing, EnvelopeCrypto, IntakeKeys, KeyRotationService],
})
export class CryptoModule {}
