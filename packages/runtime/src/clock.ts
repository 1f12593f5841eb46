// The clock port: the runtime measures durations and wall-time budgets with it.

/** A source of time in milliseconds. */
export interface Clock {
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };
