import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { CryptoModule } from '../crypto/crypto.module';
import { MfaAdminController, MfaController } from './mfa.controller';
import { MfaService } from './mfa.service';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { TotpKeyHolder } from './totp-key-holder';

/**
 * Two-factor sign-in (TOTP). Its own folder: it needs the envelope encryption of src/crypto, which
 * (through claims) depends on auth, so auth cannot import it; the password step in auth answers a
 * challenge token and the code step here finishes the sign-in through AuthService.startSession.
 */
@Module({
  imports: [AuditModule, AuthModule, CryptoModule],
  controllers: [MfaController, MfaAdminController],
  providers: [MfaService, RecoveryCodesRepository, TotpKeyHolder],
})
export class MfaModule {}
