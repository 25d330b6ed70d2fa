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
  @ApiProperty({ description: 'single use: POST /v1/auth/refresh answers a new pair' }) refreshToken!: string;
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
