import { SANDBOX_SCRIPT } from './sandbox-page-script.js';

/**
 * The sandbox page: the agent widget, the supervisor mapping editor and the admin panel, loaded from the built
 * bundles exactly as an agent desktop would load them, plus a control panel that plays Teams and the contact
 * center through the emulators. `?view=agent|supervisor|admin|console` shows one component alone (the agent and console views
 * keep the control panel); `&agent=<id>` picks the agent; `&lang=de` (or the picker) sets the page's language, which
 * the components follow as they follow a Desktop's.
 */
export function sandboxPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Teams Presence Connector — sandbox</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f3f4f6; color: #111827; }
  header { background: #1f2937; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0; }
  header #status { font-size: 12px; color: #d1d5db; }
  main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr); gap: 16px; padding: 16px; }
  section { background: #fff; border-radius: 8px; padding: 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  section h2 { font-size: 14px; margin: 0 0 8px; }
  .controls .row { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin-bottom: 6px; }
  .controls .row strong { min-width: 110px; }
  .controls button { padding: 4px 8px; }
  .snapshot { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 8px 0; padding: 6px 8px; background: #f9fafb; border-radius: 4px; }
  .snapshot b { font-weight: 600; }
  .wide { grid-column: 1 / -1; }
  #log { font: 12px ui-monospace, monospace; max-height: 160px; overflow: auto; }
  #log .ok { color: #065f46; }
  #log .fail { color: #991b1b; }
  [hidden] { display: none !important; }
  @media (max-width: 800px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>Teams Presence Connector — sandbox</h1>
  <label id="agent-picker">Agent <select id="agent" data-testid="sandbox-agent"></select></label>
  <label>Language <select id="lang" data-testid="sandbox-lang">
    <option value="en">English</option><option value="pt-BR">Português (Brasil)</option>
    <option value="de">Deutsch</option><option value="it">Italiano</option><option value="fr">Français</option><option value="es">Español</option>
  </select></label>
  <span id="status"></span>
</header>
<main>
  <section id="agent-area" data-area="agent">
    <h2>Agent desktop header</h2>
    <div id="agent-slot"></div>
  </section>
  <section class="controls" data-area="controls" aria-labelledby="controls-title">
    <h2 id="controls-title">Control panel (emulated Teams and contact center)</h2>
    <div class="row" role="group" aria-label="Teams">
      <strong>Teams</strong>
      <button data-testid="ctl-call-start" data-action="teams" data-graph="call/start">Start Teams call</button>
      <button data-testid="ctl-call-end" data-action="teams" data-graph="call/end">End Teams call</button>
      <button data-testid="ctl-present-start" data-action="teams" data-graph="presenting/start">Start presenting</button>
      <button data-testid="ctl-present-end" data-action="teams" data-graph="presenting/end">Stop presenting</button>
      <button data-testid="ctl-dnd-on" data-action="teams" data-graph="dnd" data-body='{"on":true}'>DND on</button>
      <button data-testid="ctl-dnd-off" data-action="teams" data-graph="dnd" data-body='{"on":false}'>DND off</button>
    </div>
    <div class="row" role="group" aria-label="Contact">
      <strong>Contact</strong>
      <button data-testid="ctl-offer" data-action="offer">Offer a call</button>
      <button data-testid="ctl-accept" data-action="contact" data-contact="accept" disabled>Accept</button>
      <button data-testid="ctl-wrapup" data-action="contact" data-contact="wrapup" disabled>Wrap up</button>
      <button data-testid="ctl-end" data-action="contact" data-contact="end" disabled>End contact</button>
      <button data-testid="ctl-rona" data-action="offer" data-body='{"ronaTimeoutSec":3}'>Offer and let it RONA (3 s)</button>
    </div>
    <div class="row" role="group" aria-label="Agent">
      <strong>Agent</strong>
      <label for="idle-code">Idle code</label>
      <select id="idle-code" data-testid="ctl-idle-code"></select>
      <button data-testid="ctl-agent-idle" data-action="idle">Agent picks this idle code</button>
      <button data-testid="ctl-agent-available" data-action="available">Agent goes Available</button>
    </div>
    <div class="snapshot" data-testid="ctl-snapshot" aria-live="polite">
      <span>Teams: <b id="snap-teams" data-testid="snap-teams">…</b></span>
      <span>Contact center: <b id="snap-cc" data-testid="snap-cc">…</b></span>
      <span>Contact: <b id="snap-contact" data-testid="snap-contact">…</b></span>
    </div>
    <div id="log" data-testid="ctl-log" role="log" aria-label="Control results"></div>
  </section>
  <section class="wide" data-area="supervisor"><h2>Supervisor: mapping editor</h2><div id="supervisor-slot"></div></section>
  <section class="wide" data-area="admin"><h2>Administrator: connector</h2><div id="admin-slot"></div></section>
  <section class="wide" data-area="console"><h2>Supervisor: console</h2><div id="console-slot"></div></section>
</main>
<script type="module">${SANDBOX_SCRIPT}</script>
</body>
</html>`;
}
