// reghook console: the portal's webhook blade, served as static files (no build step).
// Talks to the admin API with the token kept in sessionStorage (this tab only).
'use strict';

const ACTIONS = ['push', 'delete', 'chart_push', 'chart_delete', 'quarantine', 'pull'];
const state = { token: sessionStorage.getItem('reghook.token') || '', registries: [] };
const view = () => document.getElementById('view');

// ---------- DOM helpers ----------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'className') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
function render(...nodes) {
  const v = view();
  v.replaceChildren(...nodes);
  v.focus();
}
function banner(message, ok = false) {
  const b = document.getElementById('banner');
  b.textContent = message || '';
  b.hidden = !message;
  b.className = ok ? 'banner ok' : 'banner';
}

// ---------- API ----------
class ApiError extends Error {
  constructor(status, code, message, target) {
    super(message);
    Object.assign(this, { status, code, target });
  }
}
async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { Authorization: 'Bearer ' + state.token,
                 ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, 'Unreachable', 'Cannot reach reghook: the server is down or the network failed. Try again in a moment.');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) {
    const err = (data && data.error) || {};
    if (response.status === 401) {
      signOut('Your admin token was not accepted. Sign in again with the adminToken from the reghook config.');
    }
    throw new ApiError(response.status, err.code || 'Error',
                       err.message || `reghook answered ${response.status} ${response.statusText}`, err.target);
  }
  return data;
}
const reg = (r) => `/v1/registries/${encodeURIComponent(r)}`;
const hook = (r, n) => `${reg(r)}/webhooks/${encodeURIComponent(n)}`;

// ---------- routing ----------
function go(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}
// A message to show after the next navigation (route() clears the banner otherwise).
function flash(message, ok = true) {
  state.flash = { message, ok };
}
async function route() {
  banner(state.flash ? state.flash.message : '', state.flash ? state.flash.ok : false);
  state.flash = null;
  if (!state.token) return showSignIn();
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (!state.registries.length) await loadRegistries();
    if (parts[0] !== 'r' || !parts[1]) return go(`#/r/${encodeURIComponent(state.registries[0].name)}`);
    const registry = parts[1];
    document.getElementById('registry-picker').value = registry;
    // `return await`: a rejection must reach the catch below, not escape as unhandled.
    if (parts[2] === 'new') return await showForm(registry, null);
    if (parts[2] === 'w' && parts[3] && parts[4] === 'edit') return await showForm(registry, parts[3]);
    if (parts[2] === 'w' && parts[3]) return await showWebhook(registry, parts[3]);
    return await showList(registry);
  } catch (e) {
    if (e.status !== 401) render(h('div', { className: 'card' }, h('p', { className: 'error' }, e.message)));
  }
}

async function loadRegistries() {
  const data = await api('GET', '/v1/registries');
  state.registries = data.value;
  const picker = document.getElementById('registry-picker');
  picker.replaceChildren(...state.registries.map((r) => h('option', { value: r.name }, r.name)));
  document.getElementById('picker-wrap').hidden = false;
  document.getElementById('sign-out').hidden = false;
}

// ---------- sign in ----------
function signOut(message) {
  state.token = '';
  state.registries = [];
  sessionStorage.removeItem('reghook.token');
  document.getElementById('picker-wrap').hidden = true;
  document.getElementById('sign-out').hidden = true;
  showSignIn(message);
}
function showSignIn(message) {
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'current-password', required: true });
  const error = h('div', { className: 'error', id: 'token-error', role: 'alert' }, message || '');
  const form = h('form', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      state.token = input.value.trim();
      try {
        await loadRegistries();
        sessionStorage.setItem('reghook.token', state.token);
        route();
      } catch (e) {
        if (e.status !== 401) error.textContent = e.message;
      }
    },
  },
  h('div', { className: 'field' }, h('label', { for: 'token' }, 'Admin token'), input,
    h('div', { className: 'hint' }, 'The adminToken of the reghook config. Kept for this tab only.'), error),
  h('button', { type: 'submit' }, 'Sign in'));
  render(h('div', { className: 'card' }, h('h1', {}, 'Sign in to reghook'), form));
  input.focus();
}

// ---------- webhook list ----------
async function showList(registry) {
  const data = await api('GET', `${reg(registry)}/webhooks`);
  const create = h('button', { type: 'button', onclick: () => go(`#/r/${encodeURIComponent(registry)}/new`) }, 'Add webhook');
  let body;
  if (!data.value.length) {
    body = h('p', { className: 'empty' }, `No webhooks in ${registry} yet. Use "Add webhook", or run: `,
             h('code', {}, `reghook webhook create --registry ${registry} --name NAME --uri URL --actions push delete`));
  } else {
    body = h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Status'), h('th', {}, 'Scope'), h('th', {}, 'Actions'))),
      h('tbody', {}, data.value.map((w) => h('tr', {},
        h('td', {}, h('a', { href: `#/r/${encodeURIComponent(registry)}/w/${encodeURIComponent(w.name)}` }, w.name)),
        h('td', { className: 'status-' + w.status }, w.status),
        h('td', {}, w.scope || '(all repositories)'),
        h('td', {}, w.actions.map((a) => h('span', { className: 'pill' }, a)))))));
  }
  render(h('div', { className: 'card' }, h('h1', {}, `Webhooks · ${registry}`), h('div', { className: 'actions' }, create), body));
}

// ---------- create / edit ----------
function headersToText(headers) {
  return Object.entries(headers || {}).map(([k, v]) => `${k}: ${v}`).join('\n');
}
function textToHeaders(text) {
  const out = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.search(/[:=]/);
    if (at <= 0) throw new ApiError(400, 'InvalidCustomHeader', `"${line}" is not "Name: value"`, 'customHeaders');
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

async function showForm(registry, name) {
  const editing = name !== null;
  let current = { status: 'enabled', scope: '', actions: ['push'], timeoutSeconds: 5 };
  let secrets = { serviceUri: '', customHeaders: {} };
  if (editing) {
    current = await api('GET', hook(registry, name));
    secrets = await api('POST', `${hook(registry, name)}/getCallbackConfig`);
  }
  const errors = {};
  const field = (id, label, input, hint) => {
    errors[id] = h('div', { className: 'error', id: `${id}-error`, role: 'alert' });
    input.setAttribute('aria-describedby', `${id}-error`);
    return h('div', { className: 'field' }, h('label', { for: id }, label), input,
             hint ? h('div', { className: 'hint' }, hint) : null, errors[id]);
  };
  const nameInput = h('input', { type: 'text', id: 'name', value: editing ? name : '', readonly: editing, required: true });
  const uri = h('input', { type: 'url', id: 'serviceUri', value: secrets.serviceUri, required: true, placeholder: 'https://hooks.example.com/acr' });
  const headers = h('textarea', { id: 'customHeaders', placeholder: 'Authorization: Bearer …' });
  headers.value = headersToText(secrets.customHeaders);
  const status = h('select', { id: 'status' }, ['enabled', 'disabled'].map((s) => h('option', { value: s, selected: current.status === s }, s)));
  const scope = h('input', { type: 'text', id: 'scope', value: current.scope, placeholder: 'repository:tag' });
  const timeout = h('input', { type: 'number', id: 'timeoutSeconds', min: 1, max: 60, value: current.timeoutSeconds });
  const secret = h('input', { type: 'text', id: 'signingSecret', value: secrets.signingSecret || '', placeholder: 'whsec_…' });
  const boxes = ACTIONS.map((a) => h('input', { type: 'checkbox', name: 'actions', value: a, checked: current.actions.includes(a) }));
  errors.actions = h('div', { className: 'error', id: 'actions-error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, editing ? 'Save' : 'Create');

  const form = h('form', { novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    for (const e of Object.values(errors)) e.textContent = '';
    form.querySelectorAll('.invalid').forEach((el) => el.classList.remove('invalid'));
    submit.disabled = true;
    try {
      const body = {
        serviceUri: uri.value.trim(),
        customHeaders: textToHeaders(headers.value),
        actions: boxes.filter((b) => b.checked).map((b) => b.value),
        status: status.value,
        scope: scope.value.trim(),
        timeoutSeconds: Number(timeout.value),
      };
      if (secret.value.trim() || editing) body.signingSecret = secret.value.trim();
      const target = editing ? name : nameInput.value.trim();
      const saved = await api(editing ? 'PATCH' : 'PUT', hook(registry, target), body);
      flash((saved.warnings || []).join(' ') || (editing ? 'Saved.' : `Webhook ${target} created.`), !saved.warnings);
      go(`#/r/${encodeURIComponent(registry)}/w/${encodeURIComponent(target)}`);
    } catch (e) {
      const place = errors[e.target] || errors.name;
      if (e.status === 400 && place) {
        place.textContent = e.message;
        const input = document.getElementById(e.target);
        if (input) { input.classList.add('invalid'); input.focus(); }
      } else if (e.status !== 401) {
        banner(e.message);
      }
    } finally {
      submit.disabled = false;
    }
  } },
  field('name', 'Webhook name', nameInput, '5 to 50 letters and digits.'),
  field('serviceUri', 'Service URI', uri, 'Where events are POSTed (http or https).'),
  field('customHeaders', 'Custom headers', headers, 'One "Name: value" per line. Values are secret.'),
  h('fieldset', { 'aria-describedby': 'actions-error' }, h('legend', {}, h('strong', {}, 'Actions')),
    ACTIONS.map((a, i) => h('label', {}, boxes[i], a)), errors.actions),
  field('status', 'Status', status),
  field('scope', 'Scope', scope, 'Empty for every repository; "repo:tag", "repo:*", or with wildcards "team/*:v1.*".'),
  field('timeoutSeconds', 'Timeout (seconds)', timeout, '1 to 60.'),
  field('signingSecret', 'Signing secret', secret, 'Optional Standard Webhooks secret: whsec_ and base64 of 24–64 bytes.'),
  h('div', { className: 'actions' }, submit,
    h('button', { type: 'button', className: 'secondary', onclick: () => history.back() }, 'Cancel')));
  render(h('div', { className: 'card' }, h('h1', {}, editing ? `Edit ${name}` : `Add webhook · ${registry}`), form));
  (editing ? uri : nameInput).focus();
}

// ---------- webhook page ----------
function codeClass(code) {
  return /^2/.test(code || '') ? 'code-2xx' : 'code-bad';
}

async function showWebhook(registry, name) {
  const w = await api('GET', hook(registry, name));
  const pingResult = h('span', { id: 'ping-result', role: 'status' });
  const secretsBox = h('div', { id: 'callback-config' });
  const eventsBody = h('tbody');
  const detail = h('div', { id: 'event-detail' });
  const more = h('button', { type: 'button', className: 'secondary', hidden: true }, 'Older events');
  let next = null;

  async function loadEvents(reset) {
    const url = reset ? `${hook(registry, name)}/events?top=20` : next;
    const page = await api('GET', url);
    if (reset) eventsBody.replaceChildren();
    next = page.nextLink;
    more.hidden = !next;
    if (reset && !page.value.length) {
      eventsBody.append(h('tr', {}, h('td', { colspan: 6, className: 'empty' }, 'No deliveries yet. Ping the webhook or push an image.')));
    }
    for (const e of page.value) {
      const code = e.eventResponseMessage ? e.eventResponseMessage.statusCode : '';
      eventsBody.append(h('tr', {},
        h('td', {}, h('button', { type: 'button', className: 'link', onclick: () => showEvent(e) }, e.id.slice(0, 8))),
        h('td', {}, e.action),
        h('td', {}, e.subject || ''),
        h('td', {}, code ? h('span', { className: codeClass(code) }, code) : h('span', { className: 'code-bad' }, e.status === 'pending' ? 'pending' : 'no answer')),
        h('td', { className: 'hide-narrow' }, e.timestamp),
        h('td', {}, String(e.attempts))));
    }
  }
  more.addEventListener('click', () => loadEvents(false).catch((e) => banner(e.message)));

  function showEvent(e) {
    const req = e.eventRequestMessage;
    const res = e.eventResponseMessage;
    const headerList = (hs) => h('pre', {}, Object.entries(hs || {}).map(([k, v]) => `${k}: ${v}`).join('\n'));
    detail.replaceChildren(h('div', { className: 'card' },
      h('h2', {}, `Event ${e.id}`),
      h('dl', {}, h('dt', {}, 'Status'), h('dd', {}, `${e.status}, ${e.attempts} attempt(s), ${e.durationMs} ms`),
        e.error ? [h('dt', {}, 'Error'), h('dd', { className: 'error' }, e.error)] : null),
      h('div', { className: 'actions' },
        h('button', { type: 'button', onclick: async () => {
          try {
            await api('POST', `${hook(registry, name)}/events/${encodeURIComponent(e.id)}/redeliver`);
            banner(`Event ${e.id} queued for redelivery.`, true);
            setTimeout(() => loadEvents(true).catch(() => {}), 700);
          } catch (err) { banner(err.message); }
        } }, 'Redeliver')),
      h('div', { className: 'split' },
        h('section', { 'aria-label': 'Request' }, h('h2', {}, `Request · ${req.method} ${req.requestUri}`),
          h('h3', {}, 'Headers'), headerList(req.headers),
          h('h3', {}, 'Body'), h('pre', { className: 'request-body' }, JSON.stringify(req.content, null, 2))),
        h('section', { 'aria-label': 'Response' }, h('h2', {}, 'Response'),
          res ? [h('p', {}, h('span', { className: codeClass(res.statusCode) + ' response-status' }, `${res.statusCode} ${res.reasonPhrase}`)),
                 h('h3', {}, 'Headers'), headerList(res.headers), h('h3', {}, 'Body'), h('pre', {}, res.content)]
              : h('p', { className: 'error' }, e.error || 'No response yet.')))));
    detail.scrollIntoView({ block: 'nearest' });
    detail.querySelector('button').focus();
  }

  const confirmDialog = h('dialog', { id: 'confirm-delete' },
    h('form', { method: 'dialog' },
      h('p', {}, `Delete webhook ${name}? Its pending deliveries and its log are deleted too.`),
      h('div', { className: 'actions' },
        h('button', { value: 'delete', className: 'danger' }, 'Delete'),
        h('button', { value: 'cancel', className: 'secondary', autofocus: true }, 'Cancel'))));
  confirmDialog.addEventListener('close', async () => {
    if (confirmDialog.returnValue !== 'delete') return;
    try {
      await api('DELETE', hook(registry, name));
      flash(`Webhook ${name} deleted.`);
      go(`#/r/${encodeURIComponent(registry)}`);
    } catch (e) { banner(e.message); }
  });

  const toggle = w.status === 'enabled' ? 'disabled' : 'enabled';
  render(
    h('p', {}, h('a', { href: `#/r/${encodeURIComponent(registry)}` }, `← Webhooks · ${registry}`)),
    h('div', { className: 'card' },
      h('h1', {}, name),
      h('dl', {},
        h('dt', {}, 'Status'), h('dd', { className: 'status-' + w.status }, w.status),
        h('dt', {}, 'Scope'), h('dd', {}, w.scope || '(all repositories)'),
        h('dt', {}, 'Actions'), h('dd', {}, w.actions.join(', ')),
        h('dt', {}, 'Timeout'), h('dd', {}, `${w.timeoutSeconds} s`),
        h('dt', {}, 'Updated'), h('dd', {}, w.updatedAt)),
      h('div', { className: 'actions' },
        h('button', { type: 'button', onclick: async (ev) => {
          ev.target.disabled = true;
          pingResult.textContent = 'Pinging…';
          try {
            const r = await api('POST', `${hook(registry, name)}/ping`);
            pingResult.className = r.statusCode ? codeClass(r.statusCode) : 'code-bad';
            pingResult.textContent = r.statusCode ? `Ping: ${r.statusCode} ${r.reasonPhrase} (${r.durationMs} ms)` : `Ping failed: ${r.error}`;
            await loadEvents(true);
          } catch (e) { pingResult.textContent = e.message; } finally { ev.target.disabled = false; }
        } }, 'Ping'),
        h('button', { type: 'button', className: 'secondary', onclick: () => go(`#/r/${encodeURIComponent(registry)}/w/${encodeURIComponent(name)}/edit`) }, 'Edit'),
        h('button', { type: 'button', className: 'secondary', onclick: async () => {
          try {
            await api('PATCH', hook(registry, name), { status: toggle });
            flash(`Webhook ${name} ${toggle}.`);
            route();
          } catch (e) { banner(e.message); }
        } }, toggle === 'enabled' ? 'Enable' : 'Disable'),
        h('button', { type: 'button', className: 'secondary', onclick: async () => {
          try {
            const c = await api('POST', `${hook(registry, name)}/getCallbackConfig`);
            secretsBox.replaceChildren(h('pre', {}, JSON.stringify(c, null, 2)));
          } catch (e) { banner(e.message); }
        } }, 'Show callback config'),
        h('button', { type: 'button', className: 'danger', onclick: () => confirmDialog.showModal() }, 'Delete'),
        pingResult),
      secretsBox, confirmDialog),
    h('div', { className: 'card' },
      h('h2', {}, 'Events'),
      h('div', { className: 'actions' }, h('button', { type: 'button', className: 'secondary', onclick: () => loadEvents(true).catch((e) => banner(e.message)) }, 'Refresh')),
      h('table', { id: 'events' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Id'), h('th', {}, 'Action'), h('th', {}, 'Repository:tag'), h('th', {}, 'Status code'),
          h('th', { className: 'hide-narrow' }, 'Time'), h('th', {}, 'Attempts'))),
        eventsBody),
      h('div', { className: 'actions' }, more)),
    detail);
  await loadEvents(true);
}

// ---------- start ----------
window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', () => {
  document.getElementById('registry-picker').addEventListener('change', (ev) => go(`#/r/${encodeURIComponent(ev.target.value)}`));
  document.getElementById('sign-out').addEventListener('click', () => signOut('Signed out.'));
  route();
});
