// Work items: the actions on one item, the quarantine (and items that failed or wait for a publish), and the
// files that wait across services.
import { act, actionButton, api, badge, bytes, h, refresh, table, time } from '../lib.js';
import { waitingTable } from './services.js';

// The states each action accepts, as the API checks them.
const RETRY = ['QUARANTINED', 'FAILED', 'PUBLISH_BLOCKED', 'DISPOSITION_PENDING'];
const RELEASE = ['QUARANTINED', 'PUBLISH_BLOCKED'];
const REPROCESS = ['DISPOSED', 'KEPT'];

/** Returns the retry, release and reprocess buttons that fit an item's state. */
export function itemActions(item) {
  const path = '/api/items/' + item.id + '/';
  const name = item.relPath;
  return h('span', { class: 'actions' },
    RETRY.includes(item.state) ? actionButton('retry', 'Retry', () => act('Retry ' + name + '? The next run processes it again.',
      () => api('POST', path + 'retry'), refresh)) : null,
    RELEASE.includes(item.state) ? actionButton('release', 'Release', () => act('Release ' + name + '? Its input goes back to the source folder, where the next run takes it as a new item.',
      () => api('POST', path + 'release'), refresh)) : null,
    REPROCESS.includes(item.state) ? actionButton('reprocess', 'Reprocess', () => act('Process ' + name + ' again? Its outputs are published once more.',
      () => api('POST', path + 'reprocess'), refresh)) : null);
}

export function itemsTable(items, withService) {
  return table('items', [
    ['Item', i => String(i.id)],
    withService ? ['Service', i => h('a', { href: '#/services/' + encodeURIComponent(i.service) }, i.service)] : null,
    ['File', i => h('span', { class: 'path' }, i.relPath)],
    ['State', i => badge(i.state)],
    ['Size', i => bytes(i.size)],
    ['Records', i => String(i.records)],
    ['Attempts', i => String(i.attempts)],
    ['Run', i => h('a', { href: '#/runs/' + i.runId }, String(i.runId))],
    ['Finished', i => time(i.finishedAt)],
    ['Error', i => i.error || ''],
    ['', itemActions],
  ].filter(c => c), items, i => ({ dataset: { id: i.id, state: i.state, path: i.relPath } }), 'No work item.');
}

export async function renderQuarantine() {
  const [quarantined, failed, blocked] = await Promise.all([
    api('GET', '/api/items?state=QUARANTINED&limit=200'),
    api('GET', '/api/items?state=FAILED&limit=200'),
    api('GET', '/api/items?state=PUBLISH_BLOCKED&limit=200')]);
  return h('section', {},
    h('h1', {}, 'Quarantine'),
    h('p', { class: 'muted' }, 'Inputs a service rejected, with the reason. Fix the cause, then retry; release gives an input back to its source folder.'),
    h('div', { id: 'quarantine' }, itemsTable(quarantined, true)),
    h('h2', {}, 'Failed, waiting for their next attempt'),
    h('div', { id: 'failed' }, itemsTable(failed, true)),
    h('h2', {}, 'Processed, but a publish or archive step keeps failing'),
    h('div', { id: 'blocked' }, itemsTable(blocked, true)));
}

export async function renderWaiting() {
  const services = await api('GET', '/api/services');
  const lists = await Promise.all(services.filter(s => s.state === 'RUNNING')
    .map(s => api('GET', '/api/services/' + encodeURIComponent(s.name) + '/waiting').then(list => list.map(w => ({ ...w, service: s.name })))));
  return h('section', {},
    h('h1', {}, 'Files waiting'),
    h('p', { class: 'muted' }, 'Files that a running service has seen but not taken yet, and why: still growing, no done file, a temporary name, unreadable or locked.'),
    waitingTable(lists.flat(), true));
}
