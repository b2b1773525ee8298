/**
 * The sandbox page: the agent widget, the supervisor mapping editor and the admin panel, loaded from the built
 * bundles exactly as an agent desktop would load them, plus a control panel that plays Teams and the contact
 * center through the emulators. `?view=agent|supervisor|admin` shows one component alone.
 */
export function sandboxPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Teams Presence Connector — sandbox</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f3f4f6; color: #111827; }
  header { background: #1f2937; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0; }
  main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr); gap: 16px; padding: 16px; }
  section { background: #fff; border-radius: 8px; padding: 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  section h2 { font-size: 14px; margin: 0 0 8px; }
  .controls button { margin: 2px; }
  .wide { grid-column: 1 / -1; }
  #log { font: 12px ui-monospace, monospace; max-height: 140px; overflow: auto; white-space: pre-wrap; }
  @media (max-width: 800px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>Teams Presence Connector — sandbox</h1>
  <label>Agent <select id="agent" data-testid="sandbox-agent"></select></label>
  <span id="status"></span>
</header>
<main>
  <section id="agent-area" data-area="agent">
    <h2>Agent desktop header</h2>
    <div id="agent-slot"></div>
  </section>
  <section class="controls" data-area="controls">
    <h2>Control panel (emulated Teams and contact center)</h2>
    <div><strong>Teams:</strong>
      <button data-testid="ctl-call-start" data-graph="call/start">Start Teams call</button>
      <button data-testid="ctl-call-end" data-graph="call/end">End Teams call</button>
      <button data-testid="ctl-present-start" data-graph="presenting/start">Start presenting</button>
      <button data-testid="ctl-present-end" data-graph="presenting/end">Stop presenting</button>
      <button data-testid="ctl-dnd-on" data-graph="dnd" data-body='{"on":true}'>DND on</button>
      <button data-testid="ctl-dnd-off" data-graph="dnd" data-body='{"on":false}'>DND off</button>
    </div>
    <div><strong>Contact center:</strong>
      <button data-testid="ctl-offer" data-cc="offer">Offer a call</button>
      <button data-testid="ctl-accept" data-contact="accept">Accept</button>
      <button data-testid="ctl-wrapup" data-contact="wrapup">Wrap up</button>
      <button data-testid="ctl-end" data-contact="end">End contact</button>
      <button data-testid="ctl-rona" data-cc="offer" data-body='{"ronaTimeoutSec":3}'>Offer and let it RONA</button>
      <button data-testid="ctl-agent-idle" data-cc="state" data-body='{"state":"Idle","idleCodeName":"Break","by":"agent"}'>Agent picks Break</button>
      <button data-testid="ctl-agent-available" data-cc="state" data-body='{"state":"Available","by":"agent"}'>Agent goes Available</button>
    </div>
    <div id="log" aria-live="polite"></div>
  </section>
  <section class="wide" data-area="supervisor"><h2>Supervisor: mapping editor</h2><div id="supervisor-slot"></div></section>
  <section class="wide" data-area="admin"><h2>Administrator: connector</h2><div id="admin-slot"></div></section>
</main>
<script type="module">
  const params = new URLSearchParams(location.search);
  const view = params.get('view');
  const info = await (await fetch('/sandbox/info')).json();
  const select = document.getElementById('agent');
  for (const a of info.agents) select.add(new Option(a.name + ' (' + a.teamName + ')', a.id));
  if (params.get('agent')) select.value = params.get('agent');
  let contact = null;
  const log = (msg) => { const el = document.getElementById('log'); el.textContent = new Date().toLocaleTimeString() + ' ' + msg + '\\n' + el.textContent; };
  const current = () => info.agents.find((a) => a.id === select.value);
  await Promise.all(['presence-agent-widget', 'presence-mapping-editor', 'presence-connector-admin'].map((n) => import('/widget/' + n + '.js')));
  function mountAgent() {
    const slot = document.getElementById('agent-slot');
    slot.replaceChildren();
    const w = document.createElement('presence-agent-widget');
    w.setAttribute('server-url', location.origin);
    w.setAttribute('agent-id', current().id);
    w.setAttribute('token', current().token);
    slot.append(w);
  }
  mountAgent();
  select.addEventListener('change', mountAgent);
  const editor = document.createElement('presence-mapping-editor');
  editor.setAttribute('server-url', location.origin);
  editor.setAttribute('token', info.supervisorKey);
  document.getElementById('supervisor-slot').append(editor);
  const admin = document.createElement('presence-connector-admin');
  admin.setAttribute('server-url', location.origin);
  admin.setAttribute('token', info.adminKey);
  document.getElementById('admin-slot').append(admin);
  if (view) for (const s of document.querySelectorAll('section')) if (s.dataset.area !== view && !(view === 'agent' && s.dataset.area === 'controls')) s.hidden = true;

  async function control(target, path, body) {
    const res = await fetch('/sandbox/control/' + target + '/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
    const data = await res.json().catch(() => null);
    log(target + ' ' + path + ' → ' + res.status + (data && data.error ? ' ' + (data.error.message || JSON.stringify(data.error)) : ''));
    return data;
  }
  for (const b of document.querySelectorAll('button')) {
    b.addEventListener('click', async () => {
      const a = current();
      const body = b.dataset.body ? JSON.parse(b.dataset.body) : {};
      if (b.dataset.graph) await control('graph', 'users/' + encodeURIComponent(a.email) + '/' + b.dataset.graph, body);
      if (b.dataset.cc) {
        const data = await control('webex', 'agents/' + a.id + '/' + b.dataset.cc, body);
        if (b.dataset.cc === 'offer' && data) contact = data.interactionId || data.id || contact;
      }
      if (b.dataset.contact && contact) await control('webex', 'contacts/' + contact + '/' + b.dataset.contact, body);
    });
  }
  document.getElementById('status').textContent = 'Graph emulator ' + info.graphUrl + ' · Webex CC emulator ' + info.webexUrl;
</script>
</body>
</html>`;
}
