import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePolicy } from '../common/access.decorators';
import { IntakeKeys, type IntakeJwks } from './intake-keys.service';

@ApiTags('keys')
@Controller('v1/keys')
export class IntakeKeysController {
  constructor(private readonly intakeKeys: IntakeKeys) {}

  @Get('intake')
  @RequirePolicy('read', 'IntakeKey')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'JWKS: the public key intake systems encrypt photos to (JWE ECDH-ES+A256KW / A256GCM)' })
  async intake(): Promise<IntakeJwks> {
    return this.intakeKeys.jwks();
  }
}
