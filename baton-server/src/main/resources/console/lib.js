// Shared helpers of the console: building elements, calling the API, formatting values.
// Text always goes into the page as text nodes, never as HTML, so a file name or log line cannot inject markup.

/** Builds an element: h('a', {href: '#/x', class: 'c', dataset: {id: 1}, onclick: f}, 'text', child). */
export function h(tag, attrs, ...children) {
  const svg = ['svg', 'rect', 'line', 'text', 'g', 'title', 'polyline', 'circle'].includes(tag);
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'dataset') {
      Object.entries(value).forEach(([k, v]) => { if (v !== null && v !== undefined) el.dataset[k] = String(v); });
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.substring(2), value);
    } else if (key === 'class' && !svg) {
      el.className = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** An error response of the API: its HTTP status, Baton's error code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = { user: null, role: null, csrf: null, nodeId: null, nodeRole: null, onLoggedOut: () => {} };

/**
 * Calls the API of this node; resolves to the parsed JSON body, or rejects with an ApiError. The body is sent as
 * JSON, or as it is when `contentType` is given (a service archive).
 */
export async function api(method, path, body, contentType) {
  const headers = { 'Accept': 'application/json', 'X-Baton-Console': '1' };
  if (method !== 'GET' && session.csrf) {
    headers['X-Baton-Csrf'] = session.csrf;
  }
  if (body !== undefined) {
    headers['Content-Type'] = contentType || 'application/json';
  }
  const payload = body === undefined ? undefined : (contentType ? body : JSON.stringify(body));
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: payload });
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'the node does not respond (' + e.message + '); it may be stopped or restarting, so reload the page in a moment');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (response.status === 401 && path !== '/api/session') {
    session.onLoggedOut(json && json.message);
  }
  if (!response.ok) {
    throw new ApiError(response.status, json && json.error, (json && json.message) || ('HTTP ' + response.status + ' from ' + path));
  }
  return json;
}

/** Shows a message above the page; errors stay until the next message, others fade after a while. */
export function flash(message, isError) {
  const box = document.getElementById('flash');
  box.textContent = message;
  box.className = isError ? 'error' : 'ok';
  box.hidden = false;
  clearTimeout(flash.timer);
  if (!isError) {
    flash.timer = setTimeout(() => { box.hidden = true; }, 8000);
  }
}

/**
 * Runs an action after the operator confirms it and shows its result. On success it calls done(), so the page
 * shows the new state. A failure keeps the page as it is, so a form keeps what was typed.
 */
export async function act(question, call, done) {
  if (question && !window.confirm(question)) {
    return;
  }
  let result;
  try {
    result = await call();
  } catch (e) {
    flash(e.message, true);
    return;
  }
  flash(resultMessage(result), false);
  if (done) {
    await done();
  }
}

/** Returns the message of an action's result: the API's own, or the state a service is now in. */
function resultMessage(result) {
  if (result && result.message) {
    return result.message;
  }
  if (result && result.name && result.state) {
    return 'Service ' + result.name + ' is ' + result.state;
  }
  return 'Done';
}

export function isOperator() {
  return session.role === 'operator';
}

/** Returns an action button, or null for a viewer, who may only read. */
export function actionButton(name, label, onClick, extraClass) {
  if (!isOperator()) {
    return null;
  }
  return h('button', { type: 'button', class: 'action ' + (extraClass || ''), dataset: { action: name }, onclick: onClick }, label);
}

/**
 * A table: columns are [header, cell(row)] pairs; cell returns text or a node. rowAttrs(row) gives the row's attributes.
 * An empty list shows `empty` instead.
 */
export function table(name, columns, rows, rowAttrs, empty) {
  if (!rows || rows.length === 0) {
    return h('p', { class: 'empty', dataset: { table: name, empty: 'true' } }, empty || 'Nothing to show.');
  }
  return h('div', { class: 'table-wrap' },
    h('table', { dataset: { table: name } },
      h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows.map(row => h('tr', rowAttrs ? rowAttrs(row) : {},
        columns.map(([title, cell]) => h('td', { dataset: { label: title } }, cell(row))))))));
}

/** Returns a label/value list, for the summary of one thing. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(p => p).map(([k, v, id]) =>
    [h('dt', {}, k), h('dd', id ? { id } : {}, v === null || v === undefined || v === '' ? '—' : v)]));
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** Formats an instant in the browser's time zone, with its UTC offset, such as 2026-12-05 08:51:21 +01:00. */
export function time(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  if (isNaN(d.getTime())) {
    return iso;
  }
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes())
    + ':' + pad(d.getSeconds()) + ' ' + sign + pad(Math.floor(abs / 60)) + ':' + pad(abs % 60);
}

/** Formats a schedule slot as the API gives it, in the service's time zone with its offset: 2026-12-05T08:00:00+01:00 reads 2026-12-05 08:00:00 +01:00. */
export function slot(text) {
  return text ? String(text).replace('T', ' ').replace(/(Z|[+-]\d\d:\d\d)$/, ' $1') : '—';
}

/** Formats a duration in milliseconds, such as 850 ms, 12.5 s, 3 min 20 s, 2 h 5 min. */
export function duration(ms) {
  if (ms === null || ms === undefined) {
    return '—';
  }
  if (ms < 1000) {
    return Math.round(ms) + ' ms';
  }
  if (ms < 60000) {
    return (ms / 1000).toFixed(1) + ' s';
  }
  if (ms < 3600000) {
    return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
  }
  return Math.floor(ms / 3600000) + ' h ' + Math.round((ms % 3600000) / 60000) + ' min';
}

/** Formats a byte count in binary units, such as 1.4 KiB. */
export function bytes(n) {
  if (n === null || n === undefined) {
    return '—';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
}

/** Returns a state as a badge whose colour shows whether it needs attention. */
export function badge(state) {
  const text = state === null || state === undefined ? '—' : String(state);
  const upper = text.toUpperCase();
  let tone = 'neutral';
  if (['RUNNING', 'ACTIVE', 'SUCCEEDED', 'COMMITTED', 'DISPOSED', 'KEPT', 'DONE', 'RESOLVED'].includes(upper)) {
    tone = 'good';
  } else if (['FAILED', 'QUARANTINED', 'ERROR', 'CRITICAL', 'FIRING', 'ABANDONED', 'GAVE_UP', 'PUBLISH_BLOCKED', 'DEAD', 'STALE'].includes(upper)) {
    tone = 'bad';
  } else if (['PAUSED', 'WARN', 'WARNING', 'STARTING', 'STOPPING', 'PASSIVE', 'PENDING', 'DISPOSITION_PENDING', 'RETRYING'].includes(upper)) {
    tone = 'warn';
  }
  return h('span', { class: 'badge ' + tone }, text);
}

/**
 * Returns the console address of a node from its registered API address, or null unless that is an http or https URL,
 * because the registry is a file in the data directory and a link must not run a script.
 */
export function consoleUrl(apiUrl) {
  return apiUrl && /^https?:\/\/[^\s]+$/.test(apiUrl) ? apiUrl.replace(/\/+$/, '') + '/console/' : null;
}

/** Reads the value of a form field by id, trimmed; empty gives null. */
export function field(id) {
  const el = document.getElementById(id);
  const value = el ? el.value.trim() : '';
  return value === '' ? null : value;
}

/** Builds a query string from the non-empty entries of an object. */
export function query(params) {
  const parts = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v));
  return parts.length ? '?' + parts.join('&') : '';
}

/** Asks the shell to load the current page again, after an action changed something. */
export function refresh() {
  window.dispatchEvent(new Event('baton:refresh'));
}
