/** Runs `callback` once, at the next animation frame or after `fallbackMs`, whichever comes first. */
export type FrameScheduler = (callback: () => void) => void;

/**
 * The next animation frame, or 250 ms later when there is none: hidden tabs get no animation
 * frames, and their batches must still be handed over rather than pile up.
 */
export const nextFrame: FrameScheduler = (callback) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    callback();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, 250);
};

/**
 * Collects items as they come and hands them over together, at most once per frame, so hundreds
 * of WebSocket messages a second cost one DOM update per frame rather than one each.
 */
export class FrameBatcher<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(
    private readonly flush: (items: readonly T[]) => void,
    private readonly schedule: FrameScheduler = nextFrame,
  ) {}

  push(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      const items = this.items;
      this.items = [];
      this.flush(items);
    });
  }
}
