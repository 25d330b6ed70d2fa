import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { STAFF_ROLES, type StaffRole } from '../common/actor';

/** What the API shows of a person: never the password hash. */
export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: STAFF_ROLES, enumName: 'StaffRole' }) role!: StaffRole;
  @ApiProperty() team!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  // Optional in the contract (the server always sends both) so that older fixtures of a user still type-check.
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) lastLoginAt?: string | null;
  @ApiPropertyOptional({ description: 'a TOTP second factor is enrolled and confirmed' }) mfaEnabled?: boolean;
}

export class CreatedUserView {
  @ApiProperty({ type: () => UserView }) user!: UserView;
  @ApiPropertyOptional({ description: 'only when no password was given: shown once, never stored in clear' })
  generatedPassword?: string;
}

export class UserList {
  @ApiProperty({ type: () => [UserView] }) items!: UserView[];
}

export class TokenPair {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer`' }) accessToken!: string;
  @ApiPropertyOptional({
    description:
      'single use: POST /v1/auth/refresh answers a new pair. Only for API callers: the browser client (X-Requested-With) gets it in an HttpOnly cookie instead, never in JSON.',
  })
  refreshToken?: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'seconds until the access token expires' }) expiresIn!: number;
  @ApiProperty({ type: () => UserView }) user!: UserView;
}

/** Who is calling: a person signed in with a JWT, or an intake system with an API key. */
export class ActorView {
  @ApiProperty({ enum: ['user', 'api_client'] }) kind!: 'user' | 'api_client';
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() team!: string;
  @ApiPropertyOptional({ enum: STAFF_ROLES, enumName: 'StaffRole', description: 'users only' }) role?: StaffRole;
  @ApiPropertyOptional({ description: 'users only' }) email?: string;
  @ApiPropertyOptional({ description: 'API clients only' }) name?: string;
}

export class MeView {
  @ApiProperty({ type: () => ActorView, nullable: true, description: 'null without valid credentials' })
  actor!: ActorView | null;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'the first characters of the key, to recognise it' }) prefix!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ApiClientView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() team!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: () => [ApiKeyView] }) keys!: ApiKeyView[];
}

export class ApiClientList {
  @ApiProperty({ type: () => [ApiClientView] }) items!: ApiClientView[];
}

/** The new client (as listed) and its first key: `apiKey` is in this response only (stored as a hash). */
export class CreatedApiClientView extends PickType(ApiClientView, ['id', 'name', 'team'] as const) {
  @ApiProperty({ format: 'uuid' }) keyId!: string;
  @ApiProperty({ description: 'send as `X-API-Key`; shown once' }) apiKey!: string;
}

/** A rotated-in key: `apiKey` is in this response only. */
export class CreatedApiKeyView {
  @ApiProperty({ format: 'uuid', description: 'the API client' }) id!: string;
  @ApiProperty({ format: 'uuid' }) keyId!: string;
  @ApiProperty({ description: 'send as `X-API-Key`; shown once' }) apiKey!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
}

/** The password was right; a second step is needed before a session (answered with 202). */
export class MfaChallengeView {
  @ApiProperty({ enum: ['code', 'enrol'], description: '`code`: POST /v1/auth/mfa/verify; `enrol`: set up TOTP first' })
  mfa!: 'code' | 'enrol';
  @ApiProperty({ description: 'short-lived challenge token for the second step (not an access token)' })
  mfaToken!: string;
  @ApiProperty({ description: 'seconds until the challenge expires' }) expiresIn!: number;
}

/** A one-time set-password token: shown once to the admin, stored as a hash. */
export class PasswordResetView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ description: 'give it to the person (POST /v1/auth/password with it); shown once' }) token!: string;
  @ApiProperty({ description: 'the review client page that sets the password with this token' }) path!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

/** One account in the access review. */
export class AccessReviewRow {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: STAFF_ROLES, enumName: 'StaffRole' }) role!: StaffRole;
  @ApiProperty() team!: string;
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: 'active' | 'disabled';
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, description: "the creating admin's email, `cli:<os user>`, or null" })
  createdBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt!: string | null;
  @ApiProperty() mfaEnabled!: boolean;
}

export class AccessReview {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: () => [AccessReviewRow] }) items!: AccessReviewRow[];
}

/** A rotation: the new key (in this response only) and when the old keys stop working. */
export class RotatedApiKeyView {
  @ApiProperty({ format: 'uuid', description: 'the API client' }) id!: string;
  @ApiProperty({ format: 'uuid' }) keyId!: string;
  @ApiProperty({ description: 'send as `X-API-Key`; shown once' }) apiKey!: string;
  @ApiProperty({ format: 'date-time', description: 'the end of the overlap window of the previous keys' })
  oldKeysExpireAt!: string;
  @ApiProperty({ type: () => [ApiKeyView] }) keys!: ApiKeyView[];
}
