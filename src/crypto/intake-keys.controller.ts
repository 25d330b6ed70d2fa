import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIntakeAuth, Can } from '../common/api-docs';
import { IntakeJwksView } from './crypto.views';
import { IntakeKeys, type IntakeJwks } from './intake-keys.service';

@ApiTags('keys')
@ApiIntakeAuth()
@Controller('v1/keys')
export class IntakeKeysController {
  constructor(private readonly intakeKeys: IntakeKeys) {}

  @Get('intake')
  @Can('read', 'IntakeKey', { ok: IntakeJwksView })
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'JWKS: the public key intake systems encrypt photos to (JWE ECDH-ES+A256KW / A256GCM)' })
  async intake(): Promise<IntakeJwks> {
    return this.intakeKeys.jwks();
  }
}
