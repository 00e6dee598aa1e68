/** The time port: everything that stamps or expires reads the time here, so tests control it. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock tests move by hand.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
 * clock.advance(11 * 60_000); // codes issued before are now expired
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: Date = new Date()) {
    this.#now = start.getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  set(date: Date): void {
    this.#now = date.getTime();
  }
}
