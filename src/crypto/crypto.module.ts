import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { EnvelopeCrypto } from './envelope-crypto';
import { IntakeKeysController } from './intake-keys.controller';
import { IntakeKeys } from './intake-keys.service';
import { KeyRing } from './key-ring';
import { KeyRotationService } from './key-rotation.service';

/** Envelope encryption of evidence, the master key ring and its rotation, and the JWE intake key. */
@Module({
  imports: [AuditModule],
  controllers: [IntakeKeysController],
  providers: [KeyRing, EnvelopeCrypto, IntakeKeys, KeyRotationService],
  exports: [KeyRing, EnvelopeCrypto, IntakeKeys, KeyRotationService],
})
export class CryptoModule {}
