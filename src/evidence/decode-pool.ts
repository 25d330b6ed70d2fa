import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** The decode queue is full: 503 with Retry-After; nothing of the upload was decoded or stored. */
export class DecodeQueueFull extends ServiceUnavailableException {
  constructor(readonly retryAfterS: number) {
    super(`the service is busy checking other photos; nothing of this upload was stored; retry in ${retryAfterS} s`);
  }
}

/**
 * Decoding a photo is the costly step of an upload (a 345-byte file may declare 49 megapixels), so at
 * most `concurrency` decodes run per process, in arrival order; an upload takes queue places for all its
 * photos when it is admitted, or is refused at once (503 + Retry-After) when they do not fit, so the
 * queue never grows past `queueLimit` and a burst cannot stall every other client for minutes.
 */
export class DecodeGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Places taken by admitted uploads that have not started decoding yet. */
  private reserved = 0;
  /** Moving average of one decode, for Retry-After. */
  private averageMs = 500;

  constructor(
    readonly concurrency: number,
    readonly queueLimit: number,
  ) {}

  get queued(): number {
    return this.reserved;
  }

  get active(): number {
    return this.running;
  }

  /** Takes `count` places for one request, or throws DecodeQueueFull. */
  admit(count: number): DecodeTicket {
    const inSystem = this.running + this.reserved;
    // An idle gate admits any upload (one larger than the queue must still be possible).
    if (inSystem > 0 && inSystem + count > this.concurrency + this.queueLimit)
      throw new DecodeQueueFull(this.retryAfterS());
    this.reserved += count;
    return new DecodeTicket(this, count);
  }

  /** @internal */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    this.reserved -= 1;
    const started = performance.now();
    try {
      return await task();
    } finally {
      this.averageMs = this.averageMs * 0.8 + (performance.now() - started) * 0.2;
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** @internal a request that ends early gives back the places it did not use. */
  release(count: number): void {
    this.reserved -= count;
  }

  private retryAfterS(): number {
    const backlog = this.reserved + this.running;
    return Math.min(120, Math.max(1, Math.ceil((backlog * this.averageMs) / this.concurrency / 1000)));
  }
}

/** One admitted upload's places in the decode queue. */
export class DecodeTicket {
  private left: number;

  constructor(
    private readonly gate: DecodeGate,
    count: number,
  ) {
    this.left = count;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.left <= 0) throw new Error('decode ticket used up');
    this.left -= 1;
    return this.gate.run(task);
  }

  /** Gives back unused places (a photo refused early ends the request). */
  close(): void {
    if (this.left > 0) this.gate.release(this.left);
    this.left = 0;
  }
}

/** The process's one decode gate, sized by PHOTO_DECODE_CONCURRENCY and PHOTO_DECODE_QUEUE. */
@Injectable()
export class DecodePool extends DecodeGate {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config.photos.decodeConcurrency, config.photos.decodeQueue);
  }
}
