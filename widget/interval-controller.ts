import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Runs `tick` every `intervalMs` while the host is attached to the page and re-renders the host afterwards; stops
 * when the host is removed, so a component taken out of a desktop layout leaves no timer behind. Used as the
 * agent widget's ticking clock ("time in state") and as the admin panel's 5-second refresh.
 */
export class IntervalController implements ReactiveController {
  /** Time of the last tick (or of attaching), for rendering ages and countdowns. */
  now = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly intervalMs: number,
    private readonly tick?: () => void | Promise<void>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.now = Date.now();
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.run(), this.intervalMs);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Runs a tick now (after an action), without waiting for the next interval. */
  async run(): Promise<void> {
    this.now = Date.now();
    try {
      await this.tick?.();
    } finally {
      this.host.requestUpdate();
    }
  }
}

/** A clock that re-renders its host every second. */
export const secondClock = (host: ReactiveControllerHost): IntervalController => new IntervalController(host, 1000);
