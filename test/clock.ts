// A clock for tests of cooldowns, limits and fading figures: its time moves only when the test says
// so, so nothing waits for real time to pass.
export class FakeClock {
  private time: number;

  constructor(start = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  advance(milliseconds: number): void {
    this.time += milliseconds;
  }
}
