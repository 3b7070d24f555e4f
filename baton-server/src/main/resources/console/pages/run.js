// One run: its totals, its work items with their actions, and the publish steps that still wait.
import { api, badge, bytes, duration, facts, h, table, time } from '../lib.js';
import { itemsTable } from './items.js';

export async function render(id) {
  const body = await api('GET', '/api/runs/' + id);
  const r = body.run;
  return h('section', {},
    h('p', {}, h('a', { href: '#/services/' + encodeURIComponent(r.service) }, '← ' + r.service)),
    h('h1', {}, 'Run ' + r.id + ' ', badge(r.state)),
    facts([
      ['Service', r.service],
      ['State', r.state, 'run-state'],
      ['Trigger', r.trigger],
      ['Node and epoch', r.nodeId + ', epoch ' + r.epoch],
      ['Started', time(r.startedAt)],
      ['Ended', r.endedAt ? time(r.endedAt) + ' (' + duration(new Date(r.endedAt) - new Date(r.startedAt)) + ')' : 'running'],
      ['Files', r.itemsCommitted + ' committed, ' + r.itemsQuarantined + ' quarantined, ' + r.itemsFailed + ' failed'],
      ['Records', String(r.records)],
      ['Bytes', bytes(r.bytesIn) + ' in, ' + bytes(r.bytesOut) + ' out'],
      ['Reason', r.reason],
    ]),
    h('h2', {}, 'Work items'),
    itemsTable(body.items, false),
    (body.openActions || []).length ? h('h2', {}, 'Publish steps not done yet') : null,
    (body.openActions || []).length ? table('open-actions', [
      ['Item', a => String(a.itemId)],
      ['Step', a => a.kind + (a.targetPath ? ' → ' + a.targetPath : '')],
      ['State', a => badge(a.state)],
      ['Attempts', a => String(a.attempts)],
      ['Detail', a => a.detail || ''],
    ], body.openActions, a => ({ dataset: { id: a.id } })) : null);
}
