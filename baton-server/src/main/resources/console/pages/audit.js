// The audit trail: every management call with who, when, from where and the outcome.
import { api, badge, field, h, query, refresh, table, time } from '../lib.js';

const filter = { service: null, outcome: null };

export async function render() {
  const rows = await api('GET', '/api/audit' + query({ service: filter.service, outcome: filter.outcome, limit: 200 }));
  return h('section', {},
    h('h1', {}, 'Audit trail'),
    h('form', { class: 'filters', onsubmit: e => {
      e.preventDefault();
      filter.service = field('audit-service');
      filter.outcome = field('audit-outcome');
      refresh();
    } },
    h('label', {}, 'Service ', h('input', { id: 'audit-service', value: filter.service || '' })),
    h('label', {}, 'Outcome ', h('select', { id: 'audit-outcome' }, ['', 'done', 'refused', 'failed']
      .map(o => h('option', { value: o, selected: o === (filter.outcome || '') }, o || 'any')))),
    h('button', { type: 'submit', id: 'audit-apply' }, 'Apply')),
    table('audit', [
      ['Time', a => time(a.at)],
      ['Who', a => a.actor],
      ['From', a => a.remoteAddress || '—'],
      ['Node', a => a.nodeId],
      ['Action', a => a.action],
      ['On', a => [a.service, a.version ? 'version ' + a.version : null, a.itemId ? 'item ' + a.itemId : null, a.target, a.filter]
        .filter(x => x).join(', ') || '—'],
      ['Outcome', a => badge(a.outcome)],
      ['Detail', a => a.detail || ''],
    ], rows, a => ({ dataset: { id: a.id, action: a.action } }), 'No management call is recorded.'));
}
