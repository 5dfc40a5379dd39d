/**
 * A clock a test moves by hand. The server reads it wherever it reads the time (journal times,
 * signature windows, token expiry, response timestamps), so a time-dependent claim holds however
 * slowly the machine runs: nothing moves unless the test says so.
 */
export class ManualClock {
  constructor(private ms: number = Date.UTC(2026, 0, 1)) {}

  /** Bound, so it can be handed over as the server's `Clock`. */
  readonly now = (): number => this.ms;

  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * The wall clock, moved ahead by what the test adds: for a real client (ccxt) that signs with its
 * own wall clock, so the server must keep following it, while the test still jumps past an expiry.
 */
export class ShiftedClock {
  private shiftMs = 0;

  readonly now = (): number => Date.now() + this.shiftMs;

  /** Moves the clock ahead by `ms` for good (time keeps passing too). */
  advance(ms: number): void {
    this.shiftMs += Math.max(0, ms);
  }
}
