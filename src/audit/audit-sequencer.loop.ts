import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuditModule } from './audit.module';
import { AuditSequencer, type BatchResult } from './audit-sequencer.service';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Runs the sequencer continuously in a worker process: a batch, then at once another when the
 * batch was full, else a short sleep (AUDIT_SEQUENCER_POLL_MS). While another process holds the
 * lease this one waits, polling ten times slower, and takes over once the lease expires. On
 * shutdown it finishes its batch and gives the lease back.
 */
@Injectable()
export class AuditSequencerLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditSequencer');
  private running: Promise<void> | undefined;
  private stopped = false;
  /** What the last batch did (for tests and diagnostics). */
  last: BatchResult | undefined;

  constructor(
    private readonly sequencer: AuditSequencer,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'audit'>,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.running = undefined;
  }

  /** Before the database closes (DatabaseModule closes it in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async loop(): Promise<void> {
    const { pollMs, batchSize } = this.config.audit.sequencer;
    let waiting = false;
    while (!this.stopped) {
      try {
        const result = await this.sequencer.runBatch({ signHead: 'if-due' });
        this.last = result;
        if (result.status === 'waiting') {
          if (!waiting) this.logger.log({ holder: result.holder }, 'another sequencer holds the lease: waiting');
          waiting = true;
          await sleep(pollMs * 10);
          continue;
        }
        if (waiting) this.logger.log('took over the sequencer lease');
        waiting = false;
        if (result.count < batchSize) await sleep(pollMs);
      } catch (error) {
        this.logger.warn({ err: error }, 'sequencer batch failed; retrying');
        await sleep(Math.max(pollMs, 1000));
      }
    }
    try {
      await this.sequencer.release();
    } catch {
      // The database is going away too; the lease simply expires.
    }
  }
}

/** The sequencer loop, in processes that run jobs (the worker, or `npm start --with-worker`). */
@Module({})
export class AuditSequencerModule {
  static forRoot(options: { processJobs: boolean }): DynamicModule {
    return {
      module: AuditSequencerModule,
      imports: [AuditModule],
      providers: options.processJobs ? [AuditSequencerLoop] : [],
      exports: options.processJobs ? [AuditSequencerLoop] : [],
    };
  }
}
