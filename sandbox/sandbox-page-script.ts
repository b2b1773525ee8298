/**
 * The sandbox page's module script. It mounts the built components exactly as an agent desktop would (by URL,
 * with kebab-case attributes) and drives the emulators through `/sandbox/control/…`. Performance marks
 * `tpc-agent-mount`, `tpc-agent-first-render` and `tpc-agent-first-view` let tests measure the agent widget's
 * first render; `window.tpcSandbox` exposes the last control result for tests and the curious.
 */
export const SANDBOX_SCRIPT = String.raw`
const params = new URLSearchParams(location.search);
const view = ['agent', 'supervisor', 'admin', 'console'].includes(params.get('view')) ? params.get('view') : null;
const $ = (id) => document.getElementById(id);
const info = await (await fetch('/sandbox/info')).json();
const state = { last: null, pending: 0 };
window.tpcSandbox = state;
const select = $('agent');
for (const a of info.agents) select.add(new Option(a.name + ' (' + a.teamName + ')', a.id));
if (params.get('agent') && info.agents.some((a) => a.id === params.get('agent'))) select.value = params.get('agent');
const current = () => info.agents.find((a) => a.id === select.value);

if (view) {
  for (const s of document.querySelectorAll('main > section')) {
    s.hidden = !(s.dataset.area === view || ((view === 'agent' || view === 'console') && s.dataset.area === 'controls'));
  }
  if (view !== 'agent' && view !== 'console') $('agent-picker').hidden = true;
  document.title = 'Teams Presence Connector — ' + view;
}
const wanted = view ? [view] : ['agent', 'supervisor', 'admin', 'console'];
const bundles = { agent: 'presence-agent-widget', supervisor: 'presence-mapping-editor', admin: 'presence-connector-admin', console: 'presence-supervisor-console' };
await Promise.all(wanted.map((w) => import('/widget/' + bundles[w] + '.js')));

// The components follow the page's language, as in a Desktop that sets lang on its page: the picker (or ?lang=)
// sets it, and every mounted component switches at once.
const langPicker = $('lang');
const setLang = (lang) => { document.documentElement.lang = lang; };
if ([...langPicker.options].some((o) => o.value === params.get('lang'))) setLang(params.get('lang'));
langPicker.value = document.documentElement.lang;
langPicker.addEventListener('change', () => setLang(langPicker.value));

function mount(slot, tag, attrs) {
  const el = document.createElement(tag);
  el.setAttribute('server-url', location.origin);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  $(slot).replaceChildren(el);
  return el;
}

let firstMount = true;
function mountAgent() {
  const a = current();
  if (firstMount) performance.mark('tpc-agent-mount');
  const w = mount('agent-slot', 'presence-agent-widget', { 'agent-id': a.id, token: a.token });
  if (firstMount) {
    firstMount = false;
    w.updateComplete.then(() => performance.mark('tpc-agent-first-render'));
    const waitView = () => {
      if (w.view) performance.mark('tpc-agent-first-view');
      else requestAnimationFrame(waitView);
    };
    waitView();
  }
  refreshSnapshot();
}
if (wanted.includes('agent')) {
  mountAgent();
  select.addEventListener('change', mountAgent);
}
if (wanted.includes('supervisor')) mount('supervisor-slot', 'presence-mapping-editor', { token: info.supervisorKey });
if (wanted.includes('admin')) mount('admin-slot', 'presence-connector-admin', { token: info.adminKey });
if (wanted.includes('console')) mount('console-slot', 'presence-supervisor-console', { token: info.supervisorKey });

function errorText(body) {
  const e = body && body.error;
  if (!e) return '';
  if (typeof e === 'string') return e;
  if (Array.isArray(e.message)) return e.message.map((m) => m.description || m).join('; ');
  return e.message || e.reason || JSON.stringify(e);
}

function log(ok, text) {
  const line = document.createElement('div');
  line.className = ok ? 'ok' : 'fail';
  line.dataset.testid = 'ctl-log-line';
  line.textContent = new Date().toLocaleTimeString() + '  ' + (ok ? '✓ ' : '✗ ') + text;
  $('log').prepend(line);
  while ($('log').childElementCount > 40) $('log').lastElementChild.remove();
}

async function control(target, path, method, body) {
  const res = await fetch('/sandbox/control/' + target + '/' + path, {
    method: method || 'POST',
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body || {}) }),
  });
  const data = await res.json().catch(() => null);
  return { ok: res.ok, status: res.status, data };
}

/** What the emulators say right now, so every button's effect is visible next to the widget's view of it. */
async function refreshSnapshot() {
  const a = current();
  if (!a) return;
  const [teams, cc] = await Promise.all([
    control('graph', 'users/' + encodeURIComponent(a.email) + '/presence-detail', 'GET'),
    control('webex', 'agents/' + a.id, 'GET'),
  ]);
  if (a.id !== current().id) return;
  const p = teams.ok && teams.data.aggregate;
  $('snap-teams').textContent = p ? p.availability + ' / ' + p.activity : 'unknown';
  const c = cc.ok ? cc.data : null;
  $('snap-cc').textContent = !c ? 'unknown' : !c.loggedIn ? 'logged out' : c.currentState + (c.idleCodeName ? ' (' + c.idleCodeName + ')' : '') + (c.lastChange && c.lastChange.changedBy ? ' by ' + c.lastChange.changedBy.toLowerCase() : '');
  $('snap-contact').textContent = c && c.contact ? c.contact.phase : 'none';
  state.contact = c && c.contact ? c.contact.interactionId : null;
  for (const b of document.querySelectorAll('[data-contact]')) b.disabled = !state.contact;
}

const ACTIONS = {
  teams: (a, b) => control('graph', 'users/' + encodeURIComponent(a.email) + '/' + b.dataset.graph, 'POST', b.dataset.body ? JSON.parse(b.dataset.body) : {}),
  offer: (a, b) => control('webex', 'agents/' + a.id + '/offer', 'POST', b.dataset.body ? JSON.parse(b.dataset.body) : {}),
  contact: async (a, b) => {
    await refreshSnapshot();
    if (!state.contact) return { ok: false, status: 409, data: { error: 'no contact for this agent: offer one first' } };
    return control('webex', 'contacts/' + state.contact + '/' + b.dataset.contact, 'POST', {});
  },
  idle: (a) => {
    const code = $('idle-code').value;
    if (!code) return { ok: false, status: 400, data: { error: 'choose an idle code' } };
    return control('webex', 'agents/' + a.id + '/state', 'POST', { state: 'Idle', idleCodeId: code, by: 'agent' });
  },
  available: (a) => control('webex', 'agents/' + a.id + '/state', 'POST', { state: 'Available', by: 'agent' }),
};

for (const b of document.querySelectorAll('button[data-action]')) {
  b.addEventListener('click', async () => {
    const a = current();
    b.disabled = true;
    state.pending++;
    try {
      const r = await ACTIONS[b.dataset.action](a, b);
      const label = b.textContent.trim() + ' for ' + a.name;
      state.last = { action: b.dataset.testid, ok: r.ok, status: r.status, body: r.data };
      log(r.ok, label + ' → ' + r.status + (r.ok ? '' : ': ' + errorText(r.data)));
    } catch (err) {
      state.last = { action: b.dataset.testid, ok: false, status: 0, body: String(err) };
      log(false, b.textContent.trim() + ': ' + err);
    } finally {
      state.pending--;
      b.disabled = false;
      await refreshSnapshot();
    }
  });
}

if (wanted.includes('agent') || wanted.includes('console')) {
  const codes = await fetch('/api/idle-codes', { headers: { authorization: 'Bearer ' + info.supervisorKey } }).then((r) => r.json()).catch(() => []);
  const pick = $('idle-code');
  for (const c of Array.isArray(codes) ? codes : []) if (c.active && !c.isSystem) pick.add(new Option(c.name, c.id));
  const brk = [...pick.options].find((o) => o.text === 'Break');
  if (brk) pick.value = brk.value;
  setInterval(() => { if (!document.hidden && state.pending === 0) refreshSnapshot(); }, 1500);
}
$('status').textContent = 'Graph emulator ' + info.graphUrl + ' · Webex CC emulator ' + info.webexUrl;
document.body.dataset.ready = 'true';
`;
