import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * A ticking clock for "time in state" and ages: re-renders the host every `intervalMs` while it is attached to
 * the page, and stops when it is removed, so a widget taken out of the desktop layout leaves no timer behind.
 */
export class ClockController implements ReactiveController {
  now = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly intervalMs = 1000,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.now = Date.now();
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.now = Date.now();
      this.host.requestUpdate();
    }, this.intervalMs);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
