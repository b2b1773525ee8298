/**
 * The Graph emulator's clock is the shared emulator kit's: real time plus an offset that
 * `POST /_emulator/clock {advanceMs | offsetMs}` moves, so tests can skip over presence fades, session expiries
 * and subscription lifetimes without waiting, or skew the service clock against its clients. Everything
 * time-based in the emulator reads it; `DeadlineScheduler` runs many deadlines from one timer on it.
 */
export { DeadlineScheduler, EmulatorClock } from '../kit/clock.js';
