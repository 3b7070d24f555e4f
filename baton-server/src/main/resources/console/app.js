// The console's shell: login, navigation between pages (hash routes), the passive-node banner and the refresh timer.
import { api, consoleUrl, flash, h, session } from './lib.js';
import * as cluster from './pages/cluster.js';
import * as services from './pages/services.js';
import * as run from './pages/run.js';
import * as items from './pages/items.js';
import * as logs from './pages/logs.js';
import * as alerts from './pages/alerts.js';
import * as audit from './pages/audit.js';
import * as lineage from './pages/lineage.js';
import * as charts from './pages/charts.js';

// Each route: its name (main#page[data-ready]), the pattern of the hash, the page's render function, and whether
// the page refreshes itself while shown. A page's render returns the node to show.
const ROUTES = [
  ['cluster', /^#\/cluster$/, () => cluster.render(), true],
  ['services', /^#\/services$/, () => services.renderList(), true],
  ['service', /^#\/services\/([^/]+)$/, m => services.renderDetail(decodeURIComponent(m[1])), true],
  ['run', /^#\/runs\/(\d+)$/, m => run.render(m[1]), true],
  ['waiting', /^#\/waiting$/, () => items.renderWaiting(), true],
  ['quarantine', /^#\/quarantine$/, () => items.renderQuarantine(), true],
  ['logs', /^#\/logs$/, () => logs.render(), false],
  ['alerts', /^#\/alerts$/, () => alerts.render(), true],
  ['audit', /^#\/audit$/, () => audit.render(), false],
  ['lineage', /^#\/lineage$/, () => lineage.render(), false],
  ['charts', /^#\/charts$/, () => charts.render(), true],
];

/** How often a page that shows live state loads it again, in milliseconds. */
const REFRESH_MS = 4000;

let refreshTimer = null;
let rendering = false;

function route() {
  const hash = location.hash || '#/cluster';
  for (const [name, pattern, render, refresh] of ROUTES) {
    const m = hash.match(pattern);
    if (m) {
      return { name, render: () => render(m), refresh };
    }
  }
  return { name: 'not-found', render: () => h('section', {}, h('h1', {}, 'Not found'), h('p', {}, 'No page at ' + hash + '.')), refresh: false };
}

/** Shows the current route; with `quiet`, a failure keeps the page as it is (a refresh that failed). */
async function show(quiet) {
  if (rendering) {
    return;
  }
  rendering = true;
  const main = document.getElementById('page');
  const current = route();
  try {
    const node = await loadNode();
    markNav(current.name);
    let content;
    if (node.role !== 'ACTIVE' && current.name !== 'cluster') {
      content = await passivePage(node);
    } else {
      content = await current.render();
    }
    if (route().name !== current.name) {
      return;
    }
    main.replaceChildren(content);
    main.dataset.ready = current.name;
  } catch (e) {
    if (!quiet) {
      main.replaceChildren(h('section', {}, h('h1', {}, 'Cannot show this page'), h('p', { class: 'error' }, e.message)));
      main.dataset.ready = current.name;
    }
  } finally {
    rendering = false;
  }
  scheduleRefresh(current.refresh);
}

function scheduleRefresh(refresh) {
  clearTimeout(refreshTimer);
  // After the session ended the login form shows, and polling would only collect refusals.
  if (!refresh || !session.user) {
    return;
  }
  refreshTimer = setTimeout(() => {
    // A refresh would throw away what the operator is typing, so it waits while a field of the page has the focus.
    const focused = document.activeElement;
    const typing = focused && focused.closest('#page') && ['INPUT', 'SELECT', 'TEXTAREA'].includes(focused.tagName);
    if (document.hidden || typing) {
      scheduleRefresh(true);
    } else {
      show(true);
    }
  }, REFRESH_MS);
}

/** Reads this node's role; a passive node shows a banner that names the active node and links to its console. */
async function loadNode() {
  const node = await api('GET', '/api/node');
  session.nodeId = node.nodeId;
  session.nodeRole = node.role;
  document.getElementById('node-badge').replaceChildren(h('span', {}, node.nodeId + ' · ',
    h('span', { class: 'role-' + String(node.role).toLowerCase() }, String(node.role).toLowerCase()),
    node.epoch ? ' · epoch ' + node.epoch : null));
  const banner = document.getElementById('passive-banner');
  if (node.role === 'ACTIVE') {
    banner.hidden = true;
  } else {
    banner.replaceChildren(await activeNodePointer(node));
    banner.hidden = false;
  }
  return node;
}

async function activeNodePointer(node) {
  let active = null;
  try {
    const view = await api('GET', '/api/cluster');
    active = (view.nodes || []).find(n => n.role === 'ACTIVE' && !n.stale && view.lease && n.nodeId === view.lease.holder);
  } catch (e) {
    // The banner still shows that this node is passive.
  }
  const text = 'This node (' + node.nodeId + ') is ' + String(node.role).toLowerCase() + ': it shows the cluster only. ';
  if (!active) {
    return h('span', { id: 'active-pointer' }, text + 'No node is active right now; see the cluster page.');
  }
  return h('span', { id: 'active-pointer' }, text + 'Manage services on the active node ' + active.nodeId + ': ',
    consoleUrl(active.apiUrl) ? h('a', { href: consoleUrl(active.apiUrl), id: 'active-link' }, consoleUrl(active.apiUrl)) : '(its API address is not known)');
}

async function passivePage(node) {
  return h('section', {}, h('h1', {}, 'This node is ' + String(node.role).toLowerCase()),
    h('p', {}, 'Only the active node runs services and reads the journal, so this page is served there.'),
    await activeNodePointer(node), h('p', {}, h('a', { href: '#/cluster' }, 'Show the cluster')));
}

function markNav(name) {
  const section = name === 'service' || name === 'run' ? 'services' : name;
  document.querySelectorAll('#nav a').forEach(a => {
    a.classList.toggle('current', a.getAttribute('href') === '#/' + section);
  });
  document.getElementById('nav').classList.remove('open');
  document.getElementById('menu-toggle').setAttribute('aria-expanded', 'false');
}

function showLogin(message) {
  clearTimeout(refreshTimer);
  session.user = null;
  session.csrf = null;
  document.getElementById('shell').hidden = true;
  document.getElementById('login').hidden = false;
  const error = document.getElementById('login-error');
  error.hidden = !message;
  error.textContent = message || '';
  document.getElementById('login-user').focus();
}

function showShell(caller) {
  session.user = caller.user;
  session.role = caller.role;
  session.csrf = caller.csrf;
  document.getElementById('whoami').textContent = caller.user + ' (' + caller.role + ')';
  document.getElementById('login').hidden = true;
  document.getElementById('shell').hidden = false;
  if (!location.hash) {
    location.hash = '#/cluster';
  }
  show(false);
}

async function login(event) {
  event.preventDefault();
  const button = document.getElementById('login-submit');
  button.disabled = true;
  try {
    const caller = await api('POST', '/api/session', {
      user: document.getElementById('login-user').value.trim(),
      password: document.getElementById('login-password').value,
    });
    document.getElementById('login-password').value = '';
    showShell(caller);
  } catch (e) {
    showLogin(e.message);
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  try {
    await api('DELETE', '/api/session');
  } catch (e) {
    flash(e.message, true);
  }
  showLogin('Logged out.');
}

async function start() {
  session.onLoggedOut = message => showLogin(message || 'Please log in.');
  document.getElementById('login-form').addEventListener('submit', login);
  document.getElementById('logout').addEventListener('click', logout);
  document.getElementById('menu-toggle').addEventListener('click', () => {
    const nav = document.getElementById('nav');
    nav.classList.toggle('open');
    document.getElementById('menu-toggle').setAttribute('aria-expanded', String(nav.classList.contains('open')));
  });
  window.addEventListener('hashchange', () => show(false));
  window.addEventListener('baton:refresh', () => show(true));
  try {
    // A session cookie from an earlier login is still good until it ends.
    showShell(await api('GET', '/api/session'));
  } catch (e) {
    showLogin(e.status === 401 ? null : e.message);
  }
}

start();
