// Alerts: what is open now, the latest notices, and silences for maintenance windows.
import { act, actionButton, api, badge, field, flash, h, isOperator, refresh, table, time } from '../lib.js';

export async function render() {
  const [alerts, silences] = await Promise.all([api('GET', '/api/alerts'), api('GET', '/api/silences')]);
  return h('section', {},
    h('h1', {}, 'Alerts'),
    alerts.failedDeliveries || alerts.droppedNotices ? h('p', { class: 'banner bad' }, alerts.failedDeliveries + ' notices could not be delivered and '
      + alerts.droppedNotices + ' were dropped; see the node log') : null,
    h('h2', {}, 'Open'),
    table('alerts', [
      ['Kind', a => a.kind],
      ['Severity', a => badge(a.severity)],
      ['Service', a => a.service || '—'],
      ['Node', a => a.node || '—'],
      ['Since', a => time(a.since)],
      ['Last raised', a => time(a.lastRaised)],
      ['Occurrences', a => String(a.occurrences)],
      ['Notified', a => a.notified ? 'yes' : 'not yet'],
      ['Silenced', a => a.silenced ? 'yes' : 'no'],
      ['Message', a => a.message],
    ], alerts.open || [], a => ({ dataset: { id: a.key, kind: a.kind } }), 'No alert is open.'),
    h('h2', {}, 'Latest notices'),
    table('notices', [
      ['At', n => time(n.at)],
      ['Status', n => badge(n.status)],
      ['Kind', n => n.kind],
      ['Service', n => n.service || '—'],
      ['Channels', n => (n.channels || []).join(', ') + (n.silenced ? ' (silenced)' : '')],
      ['Message', n => n.message],
    ], alerts.recent || [], n => ({ dataset: { kind: n.kind, status: n.status } }), 'No notice was sent.'),
    h('h2', {}, 'Silences'),
    table('silences', [
      ['Kind', s => s.kind || 'any'],
      ['Service', s => s.service || 'any'],
      ['Until', s => time(s.until)],
      ['Reason', s => s.reason || ''],
      ['By', s => s.createdBy],
      ['', s => actionButton('unsilence', 'End', () => act('End this silence now?', () => api('DELETE', '/api/silences/' + encodeURIComponent(s.id)), refresh))],
    ], silences, s => ({ dataset: { id: s.id } }), 'No silence is active.'),
    isOperator() ? silenceForm() : null);
}

function silenceForm() {
  return h('form', { class: 'inline-form', id: 'silence-form', onsubmit: e => {
    e.preventDefault();
    const body = { kind: field('silence-kind'), service: field('silence-service'), for: field('silence-for'), reason: field('silence-reason') };
    if (!body.kind && !body.service) {
      flash('A silence needs a kind, a service or both.', true);
      return;
    }
    act(null, async () => {
      const s = await api('POST', '/api/silences', body);
      return { message: 'Silenced until ' + time(s.until) };
    }, refresh);
  } },
  h('input', { id: 'silence-kind', placeholder: 'kind, such as run-failed', 'aria-label': 'Alert kind' }),
  h('input', { id: 'silence-service', placeholder: 'service', 'aria-label': 'Service' }),
  h('input', { id: 'silence-for', placeholder: 'for, such as 2h (at most 30d)', 'aria-label': 'Duration' }),
  h('input', { id: 'silence-reason', placeholder: 'reason', 'aria-label': 'Reason' }),
  h('button', { type: 'submit', dataset: { action: 'silence' } }, 'Silence'));
}
