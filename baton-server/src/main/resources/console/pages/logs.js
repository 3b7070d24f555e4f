// Logs of every node and service in the data directory, filtered by service, level, time and text.
import { api, badge, field, h, query, refresh, table, time } from '../lib.js';

// The filter stays while the operator moves between pages.
const filter = { service: '*', level: 'INFO', since: '1h', contains: null };

/** Turns 15m, 2h or 3d into an instant that long ago; anything else goes to the API as it is. */
function since(text) {
  const m = text && text.match(/^(\d+)\s*([mhd])$/);
  if (!m) {
    return text;
  }
  const unit = { m: 60000, h: 3600000, d: 86400000 }[m[2]];
  return new Date(Date.now() - Number(m[1]) * unit).toISOString();
}

export async function render() {
  const [services, result] = await Promise.all([
    api('GET', '/api/services'),
    api('GET', '/api/logs' + query({ service: filter.service, level: filter.level, since: since(filter.since), contains: filter.contains, limit: 300 }))]);
  const entries = (result.entries || []).slice().reverse();

  const form = h('form', { class: 'filters', id: 'log-filters', onsubmit: e => {
    e.preventDefault();
    filter.service = field('log-service');
    filter.level = field('log-level');
    filter.since = field('log-since');
    filter.contains = field('log-contains');
    refresh();
  } },
  h('label', {}, 'Log ', h('select', { id: 'log-service' }, h('option', { value: '*', selected: filter.service === '*' }, 'all: nodes and services'),
    h('option', { value: '', selected: !filter.service }, 'nodes only'),
    services.map(s => h('option', { value: s.name, selected: s.name === filter.service }, s.name)))),
  h('label', {}, 'Level at least ', h('select', { id: 'log-level' },
    ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'].map(l => h('option', { value: l, selected: l === filter.level }, l)))),
  h('label', {}, 'Since ', h('input', { id: 'log-since', value: filter.since || '', placeholder: '1h, 2d, 2026-12-05 or 2026-12-05T07:00:00Z' })),
  h('label', {}, 'Containing ', h('input', { id: 'log-contains', value: filter.contains || '' })),
  h('button', { type: 'submit', id: 'log-apply' }, 'Apply'));

  return h('section', {},
    h('h1', {}, 'Logs'),
    form,
    h('p', { class: 'muted' }, entries.length + (entries.length === 1 ? ' entry' : ' entries') + ', newest first' + (result.truncated ? '; more match: narrow the filter' : '') + '.'),
    table('logs', [
      ['Time', e => time(e.at)],
      ['Level', e => badge(e.level)],
      ['Node', e => e.node || '—'],
      ['Service', e => e.service || '—'],
      ['Run', e => e.run ? h('a', { href: '#/runs/' + e.run }, String(e.run)) : '—'],
      ['Message', e => h('span', { class: 'message' }, e.message)],
    ], entries, e => ({ dataset: { level: e.level, service: e.service } }), 'No log entry matches.'));
}
