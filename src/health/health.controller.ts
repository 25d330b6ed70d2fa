import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import {
  ApiExcludeEndpoint,
  ApiExtraModels,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { LiveView, ReadinessCheckView, ReadinessView } from './health.views';
import type { Response } from 'express';
import { Public } from '../common/access.decorators';
import { MetricsService } from './metrics.service';
import { ReadinessService } from './readiness.service';

@ApiTags('ops')
@ApiExtraModels(ReadinessCheckView)
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly metrics: MetricsService,
  ) {}

  @Public()
  @Get('health/live')
  @ApiOkResponse({ type: LiveView })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('health/ready')
  @ApiOkResponse({ type: ReadinessView, description: 'ready' })
  @ApiServiceUnavailableResponse({ type: ReadinessView, description: 'not ready: `checks` says what is down' })
  async ready(@Res({ passthrough: true }) response: Response) {
    const result = await this.readiness.evaluate();
    response.status(result.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: result.ready ? 'ready' : 'not_ready', checks: result.checks };
  }

  @Public()
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(): Promise<string> {
    return this.metrics.render();
  }
}
