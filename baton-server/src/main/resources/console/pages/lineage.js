// Lineage search: where an input went, run by run, and what came out of it.
import { api, badge, bytes, field, flash, h, query, refresh, table, time } from '../lib.js';

const search = { service: null, name: null, sha256: null };
let last = null;

export async function render() {
  let result = null;
  if (search.name || search.sha256 || search.service) {
    try {
      result = await api('GET', '/api/lineage' + query({ service: search.service, [search.name && search.name.includes('*') ? 'glob' : 'name']: search.name,
        sha256: search.sha256, limit: 50 }));
    } catch (e) {
      flash(e.message, true);
    }
  }
  last = result;
  return h('section', {},
    h('h1', {}, 'Lineage'),
    h('form', { class: 'filters', onsubmit: e => {
      e.preventDefault();
      search.service = field('lineage-service');
      search.name = field('lineage-name');
      search.sha256 = field('lineage-sha256');
      refresh();
    } },
    h('label', {}, 'Service ', h('input', { id: 'lineage-service', value: search.service || '' })),
    h('label', {}, 'Input name or glob ', h('input', { id: 'lineage-name', value: search.name || '', placeholder: 'rates-2024-01.csv or *.csv' })),
    h('label', {}, 'SHA-256 ', h('input', { id: 'lineage-sha256', value: search.sha256 || '' })),
    h('button', { type: 'submit', id: 'lineage-apply' }, 'Search')),
    last ? h('p', { class: 'muted' }, last.matched + ' items match ' + last.query + '.') : h('p', { class: 'muted' }, 'Search by input name, glob or checksum.'),
    last ? last.items.map(history) : null);
}

function eventNode(event) {
  if (!event.nodeId) {
    return '—';
  }
  return event.epoch ? event.nodeId + ' / epoch ' + event.epoch : event.nodeId;
}

function history(hist) {
  const i = hist.item;
  return h('article', { class: 'card', dataset: { id: i.id } },
    h('h2', {}, i.service + ' / ', h('span', { class: 'path' }, i.relPath), ' ', badge(i.state)),
    h('p', { class: 'muted' }, 'Item ' + i.id + ', ' + bytes(i.size) + (hist.sha256 ? ', SHA-256 ' + hist.sha256 : '')),
    table('lineage-events', [
      ['Time', e => time(e.at)],
      ['Event', e => e.kind],
      ['Run', e => e.runId ? h('a', { href: '#/runs/' + e.runId }, String(e.runId)) : '—'],
      ['Node', eventNode],
      ['Outcome', e => e.outcome || ''],
      ['Detail', e => e.detail || ''],
    ], hist.events || []),
    (hist.outputs || []).length ? h('p', {}, 'Outputs: ' + hist.outputs.map(o => o.targetPath + ' (' + o.state + ')').join(', ')) : null);
}
