/** Time is injected so that rules can be tested without waiting; production uses the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date): Clock & { set(d: Date): void; advance(ms: number): void } {
  let current = at.getTime();
  return {
    now: () => new Date(current),
    set: (d) => { current = d.getTime(); },
    advance: (ms) => { current += ms; },
  };
}
