/** Counters of the Webex CC emulator for `GET /_emulator/stats` (request counters come from the kit). */
import { RequestStats } from '../kit/stats.js';

export class EmulatorStats extends RequestStats {
  stateChanges = 0;
  stateChangeFailures = 0;
  framesSent = 0;
  framesDropped = 0;
  framesDuplicated = 0;
  framesDelayed = 0;
  keepalivesSent = 0;
  webhooksDelivered = 0;
  webhooksFailed = 0;
  webhooksDropped = 0;
  webhooksDuplicated = 0;
  webhooksDelayed = 0;
  socketsOpened = 0;
  socketsClosedByKeepalive = 0;
  socketsRefused = 0;
  rateLimited = 0;
}
