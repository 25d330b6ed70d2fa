import { Injectable } from '@nestjs/common';

/**
 * Time comes from here, never from `new Date()` in domain code, so retention periods, SLAs and
 * token expiry can be tested by moving a clock instead of waiting.
 */
export abstract class Clock {
  abstract now(): Date;
  nowMs(): number {
    return this.now().getTime();
  }
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock tests set and move. */
export class ManualClock extends Clock {
  private current: number;
  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    super();
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
