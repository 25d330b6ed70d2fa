import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TokenPair } from '../auth/auth.views';

/** A pending TOTP enrolment: scan the QR code (or type the secret), then confirm with a code. */
export class TotpEnrolmentView {
  @ApiProperty({ description: 'base32 secret, for typing into an authenticator app' }) secret!: string;
  @ApiProperty({ description: 'otpauth:// URI (RFC 6238, SHA-1, 6 digits, 30 s)' }) otpauthUrl!: string;
  @ApiProperty({ description: 'the otpauth URI as a QR code: a data: URL of a PNG image' }) qrCode!: string;
}

export class MfaEnrolledView {
  @ApiProperty({ type: [String], description: 'single-use recovery codes, shown once (stored hashed)' })
  recoveryCodes!: string[];
  @ApiPropertyOptional({
    type: () => TokenPair,
    description: 'when enrolment finished a sign-in (challenge token): the session',
  })
  session?: TokenPair;
}
