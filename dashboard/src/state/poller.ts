/**
 * Runs a task now, then `intervalMs` after each run ends (never two at once from its own timer,
 * so a slow server is not asked faster than it answers), until stopped.
 */
export class Poller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<unknown>,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  /** Runs at once instead of at the next turn (something changed); the turns go on from there. */
  runNow(): void {
    if (this.running) void this.run();
  }

  /** Safe to call twice. */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    clearTimeout(this.timer);
    try {
      await this.task();
    } finally {
      clearTimeout(this.timer);
      if (this.running) this.timer = setTimeout(() => void this.run(), this.intervalMs);
    }
  }
}
