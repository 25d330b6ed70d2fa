import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ReadinessService } from '../health/readiness.service';
import { LINES_OF_BUSINESS } from '../policies/policy.entity';
import { ThresholdsService } from './thresholds.service';

/**
 * `/health/ready` says whether the configured model runs calibrated. Safe mode does not make the process
 * unready (claims are still scored, and all go to people), so the check stays ok and its detail says so.
 */
@Injectable()
export class CalibrationReadiness implements OnApplicationBootstrap {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly thresholds: ThresholdsService,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.register('calibration', async () => {
      // An unusable model is the model check's failure; this one only says how a usable one routes.
      const model = await this.thresholds.currentModel().catch(() => null);
      if (!model) return { ok: true, detail: 'unknown until the model is verified' };
      const lines = await Promise.all(LINES_OF_BUSINESS.map((line) => this.thresholds.resolve(line, model.hash)));
      const uncalibrated = lines.filter((line) => line.safeMode).map((line) => line.line);
      if (uncalibrated.length > 0)
        return {
          ok: true,
          detail: `safe mode: no calibration for model ${model.name} (${model.hash.slice(0, 12)}) and prompt set ${lines[0].promptSetVersion} on ${uncalibrated.join(', ')}; nothing is auto-cleared`,
        };
      return {
        ok: true,
        detail: `calibrated: ${lines.map((line) => `${line.line} v${line.calibration!.version}`).join(', ')} for model ${model.name}`,
      };
    });
  }
}
