// Services: the list with their state and actions, deploy, and one service's detail with its runs, waiting files,
// flags, settings and versions.
import { act, actionButton, api, badge, bytes, duration, facts, field, flash, h, isOperator, refresh, slot, table, time } from '../lib.js';

const enc = encodeURIComponent;

/** Returns the buttons that change a service's state, offered according to that state. */
function serviceActions(s) {
  const path = '/api/services/' + enc(s.name);
  const running = s.state === 'RUNNING';
  return h('span', { class: 'actions' },
    !running ? actionButton('start', 'Start', () => act(null, () => api('POST', path + '/start'), refresh)) : null,
    running ? actionButton('stop', 'Stop', () => act('Stop service ' + s.name + '? A run in progress finishes its current item first.',
      () => api('POST', path + '/stop'), refresh)) : null,
    running || s.workerPid ? actionButton('kill', 'Kill', () => act('Kill the worker of ' + s.name + ' at once? Its items are recovered at the next start.',
      () => api('POST', path + '/kill'), refresh), 'danger') : null,
    running ? actionButton('trigger', 'Run now', () => act(null, () => api('POST', path + '/trigger'), refresh)) : null,
    running && !s.paused && s.schedule !== 'manual' ? actionButton('pause', 'Pause', () => act('Pause the schedule of ' + s.name + '?',
      () => api('POST', path + '/pause'), refresh)) : null,
    s.paused ? actionButton('resume', 'Resume', () => act(null, () => api('POST', path + '/resume'), refresh)) : null);
}

function lastRun(s) {
  const r = s.lastRun;
  if (!r) {
    return '—';
  }
  return h('span', {}, h('a', { href: '#/runs/' + r.runId }, 'run ' + r.runId), ' ', badge(r.state),
    ' ' + r.committed + ' committed' + (r.quarantined ? ', ' + r.quarantined + ' quarantined' : '') + (r.failed ? ', ' + r.failed + ' failed' : ''));
}

function flags(s) {
  const parts = [];
  if (s.autoStart) parts.push('auto start');
  if (s.autoRestart) parts.push('auto restart');
  if (s.paused) parts.push('paused');
  return parts.join(', ') || '—';
}

export async function renderList() {
  const [services, variables] = await Promise.all([api('GET', '/api/services'), api('GET', '/api/variables')]);
  return h('section', {},
    h('h1', {}, 'Services'),
    table('services', [
      ['Service', s => h('a', { href: '#/services/' + enc(s.name) }, s.name)],
      ['State', s => h('span', {}, badge(s.state), s.paused ? [' ', badge('PAUSED')] : null)],
      ['Flags', flags],
      ['Schedule', s => s.schedule || '—'],
      ['Last run', lastRun],
      ['Next run', s => (s.nextSlots && s.nextSlots.length && s.state === 'RUNNING' && !s.paused) ? slot(s.nextSlots[0]) : '—'],
      ['', serviceActions],
    ], services, s => ({ dataset: { id: s.name, state: s.state } }), 'No service is deployed yet.'),
    isOperator() ? deployForm() : null,
    h('h2', {}, 'Setting variables'),
    variablesPanel(variables.variables || {}));
}

/** Lists the cluster-wide variables that settings refer to as ${NAME}, with a form to set one. */
function variablesPanel(variables) {
  const entries = Object.entries(variables).map(([name, v]) => ({ name, ...v }));
  return h('div', {},
    table('variables', [
      ['Name', v => v.name],
      ['Value', settingValue],
      ['', v => actionButton('remove-variable', 'Remove', () => act('Remove variable ' + v.name + '? Services that use it fail to start until it is set again.',
        () => api('DELETE', '/api/variables/' + enc(v.name)), refresh))],
    ], entries, v => ({ dataset: { id: v.name } }), 'No variable is set.'),
    isOperator() ? valueForm('variable', (name, value, secret) => api('PUT', '/api/variables/' + enc(name), { value, secret })) : null,
    h('p', { class: 'muted' }, 'A change takes effect at the next start of each service that uses the variable.'));
}

/** Returns a form for a setting or variable (kind) with a name, a value and a secret box; it calls store(name, value, secret). */
function valueForm(kind, store) {
  return h('form', { class: 'inline-form', id: kind + '-form', onsubmit: e => {
    e.preventDefault();
    const name = field(kind + '-key');
    if (!name) {
      flash('Give the name of the ' + kind + '.', true);
      return;
    }
    act(null, () => store(name, document.getElementById(kind + '-value').value, document.getElementById(kind + '-secret').checked), refresh);
  } },
  h('input', { id: kind + '-key', placeholder: kind === 'setting' ? 'key' : 'NAME', 'aria-label': kind + ' name' }),
  h('input', { id: kind + '-value', placeholder: 'value', 'aria-label': kind + ' value', type: 'text', autocomplete: 'off' }),
  h('label', {}, h('input', { type: 'checkbox', id: kind + '-secret' }), ' secret'),
  h('button', { type: 'submit', dataset: { action: 'set-' + kind } }, 'Set'));
}

/** Deploys a service archive (a zip with service.yaml and lib/), as baton deploy does. */
function deployForm() {
  return h('form', { class: 'card inline-form', id: 'deploy-form', onsubmit: async e => {
    e.preventDefault();
    const file = document.getElementById('deploy-file').files[0];
    if (!file) {
      flash('Choose a service archive (.zip) first; baton service export writes one.', true);
      return;
    }
    await act(null, async () => {
      const deployed = await api('POST', '/api/services', await file.arrayBuffer(), 'application/zip');
      return { message: 'Deployed service ' + deployed.name + ' version ' + deployed.version + (deployed.secretsToSet && deployed.secretsToSet.length
        ? '; set its secrets before it starts: ' + deployed.secretsToSet.join(', ') : '') };
    }, refresh);
  } },
  h('h2', {}, 'Deploy'),
  h('p', { class: 'muted' }, 'A service archive: a zip with service.yaml at its root and the jars in lib/. A new version of a deployed service replaces it at its next start.'),
  h('input', { type: 'file', id: 'deploy-file', accept: '.zip,application/zip' }),
  h('button', { type: 'submit', dataset: { action: 'deploy' } }, 'Deploy'));
}

export async function renderDetail(name) {
  const path = '/api/services/' + enc(name);
  const [s, runs, waiting, settings, versions] = await Promise.all([
    api('GET', path), api('GET', path + '/runs?limit=20'), api('GET', path + '/waiting'),
    api('GET', path + '/settings'), api('GET', path + '/versions')]);

  return h('section', {},
    h('p', {}, h('a', { href: '#/services' }, '← Services')),
    h('h1', {}, s.name, ' ', badge(s.state)),
    s.description ? h('p', { class: 'muted' }, s.description) : null,
    s.note ? h('p', { class: 'banner warn', id: 'restart-note' }, s.note) : null,
    serviceActions(s),
    facts([
      ['State', s.state + (s.paused ? ', schedule paused' : '') + (s.reason ? ': ' + s.reason : ''), 'service-state'],
      ['Schedule', (s.schedule || 'manual') + (s.misfire ? ' (misfire: ' + s.misfire + ')' : '')],
      ['Next runs', s.nextSlots && s.nextSlots.length ? s.nextSlots.map(slot).join('\n') : '—'],
      ['Last run', lastRun(s)],
      ['Last poll', time(s.lastPoll)],
      ['Maximum run time', s.maxRunDuration || '—'],
      ['Worker', s.workerPid ? 'pid ' + s.workerPid + ', ' + s.restarts + ' restarts' : 'not running'],
      ['Remotes', (s.remotes || []).map(r => r.role + ': ' + r.protocol + '://' + r.server + r.folder + (r.weakened && r.weakened.length ? ' (weakened: ' + r.weakened.join(', ') + ')' : '')).join('\n') || '—'],
    ]),
    h('h2', {}, 'Runs'),
    table('runs', [
      ['Run', r => h('a', { href: '#/runs/' + r.id }, String(r.id))],
      ['State', r => badge(r.state)],
      ['Started', r => time(r.startedAt)],
      ['Took', r => r.endedAt ? duration(new Date(r.endedAt) - new Date(r.startedAt)) : 'running'],
      ['Files', r => r.itemsCommitted + ' committed' + (r.itemsQuarantined ? ', ' + r.itemsQuarantined + ' quarantined' : '')
        + (r.itemsFailed ? ', ' + r.itemsFailed + ' failed' : '')],
      ['Bytes in', r => bytes(r.bytesIn)],
      ['Trigger', r => r.trigger],
      ['Node', r => r.nodeId + ' / epoch ' + r.epoch],
    ], runs, r => ({ dataset: { id: r.id, state: r.state } }), 'No run yet.'),
    h('h2', {}, 'Files waiting'),
    waitingTable(waiting),
    h('h2', {}, 'Startup and restart'),
    flagsPanel(s.name, settings),
    h('h2', {}, 'Settings'),
    settingsPanel(s.name, settings),
    h('h2', {}, 'Versions'),
    versionsPanel(s.name, versions));
}

export function waitingTable(waiting, withService) {
  return table('waiting', [
    withService ? ['Service', w => h('a', { href: '#/services/' + enc(w.service) }, w.service)] : null,
    ['File', w => h('span', { class: 'path' }, w.relPath)],
    ['Waiting because', w => w.reason],
    ['Since', w => time(w.since)],
  ].filter(c => c), waiting, w => ({ dataset: { id: w.relPath } }), 'No file is waiting.');
}

function flagsPanel(name, settings) {
  const row = (flag, label) => {
    const f = settings[flag];
    if (!f) {
      return null;
    }
    const dataName = flag === 'autoStart' ? 'autostart' : 'autorestart';
    return h('p', { id: dataName + '-state', dataset: { value: String(f.value) } },
      label + ': ' + (f.value ? 'on' : 'off') + ' (from the ' + f.source + ') ',
      actionButton(dataName, f.value ? 'Turn off' : 'Turn on', () => act(null,
        () => api('PUT', '/api/services/' + enc(name) + '/flags', { [flag]: f.value ? 'off' : 'on' }), refresh)),
      f.source === 'settings' ? actionButton(dataName + '-reset', 'Use the descriptor\'s', () => act(null,
        () => api('PUT', '/api/services/' + enc(name) + '/flags', { [flag]: 'descriptor' }), refresh)) : null);
  };
  return h('div', {}, row('autoStart', 'Automatic startup'), row('autoRestart', 'Automatic restart'));
}

function settingsPanel(name, settings) {
  const entries = Object.entries(settings.properties || {}).map(([key, v]) => ({ key, ...v }));
  const base = '/api/services/' + enc(name) + '/settings/';
  return h('div', {},
    settings.note ? h('p', { class: 'banner warn' }, settings.note) : null,
    table('settings', [
      ['Key', e => e.key],
      ['Value', settingValue],
      ['From', e => e.source],
      ['', e => e.source === 'settings' ? actionButton('remove-setting', 'Remove', () => act('Remove setting ' + e.key + '? The descriptor\'s value applies again.',
        () => api('DELETE', base + enc(e.key)), refresh)) : null],
    ], entries, e => ({ dataset: { id: e.key } }), 'The service has no settings.'),
    isOperator() ? valueForm('setting', (key, value, secret) => api('PUT', base + enc(key), { value, secret })) : null,
    h('p', { class: 'muted' }, 'A change takes effect at the next start of the service; the page says so while one waits.'));
}

/** Shows a setting's value, or only whether a secret is set. */
function settingValue(setting) {
  if (!setting.secret) {
    return setting.value;
  }
  return setting.set ? '******** (secret)' : 'secret, not set';
}

function versionsPanel(name, versions) {
  return table('versions', [
    ['Version', v => String(v.version) + (v.version === versions.current ? ' (current)' : '')],
    ['Deployed', v => time(v.deployedAt)],
    ['By', v => v.deployedBy + (v.remoteAddress ? ' from ' + v.remoteAddress : '')],
    ['Rollback of', v => v.rollbackOf ? String(v.rollbackOf) : '—'],
    ['', v => v.version !== versions.current ? actionButton('rollback', 'Roll back to ' + v.version, () => act(
      'Deploy version ' + v.version + ' of ' + name + ' again? It takes effect at the next start.',
      () => api('POST', '/api/services/' + enc(name) + '/rollback', { version: v.version }), refresh)) : null],
  ], (versions.versions || []).slice().reverse(), v => ({ dataset: { id: v.version } }), 'No version is recorded.');
}
