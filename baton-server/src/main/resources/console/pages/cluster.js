// The cluster: the active node, the epoch, every node with its heartbeat age, the last role changes, and switch-over.
import { act, actionButton, api, badge, consoleUrl, duration, facts, h, refresh, session, table, time } from '../lib.js';

export async function render() {
  const view = await api('GET', '/api/cluster');
  let changes = [];
  if (session.nodeRole === 'ACTIVE') {
    changes = await api('GET', '/api/role-changes?limit=10');
  }
  const lease = view.lease || {};
  const activeNode = (view.nodes || []).find(n => n.role === 'ACTIVE' && n.nodeId === lease.holder && !lease.released);
  const last = view.lastChange;

  return h('section', {},
    h('h1', {}, 'Cluster'),
    facts([
      ['Active node', activeNode ? activeNode.nodeId : (lease.holder && !lease.released ? lease.holder + ' (lease held, node not registered as active)' : 'none'), 'active-node'],
      ['Epoch', String(view.epoch ? view.epoch.highest : lease.epoch), 'epoch'],
      ['Lease heartbeat', lease.heartbeatAt ? time(lease.heartbeatAt) + ' (' + duration(lease.wallAgeMillis) + ' ago)' : '—'],
      ['Last change', last ? last.nodeId + ' became active in epoch ' + last.epoch + ' at ' + time(last.takenAt) : '—', 'last-change'],
      ['Cause', last ? last.cause : '—', 'last-cause'],
      view.previousHolder ? ['Previous holder', view.previousHolder] : null,
      ['Served by', view.servedBy + ' (' + String(view.servedByRole).toLowerCase() + ')'],
    ]),
    (view.alerts || []).length ? h('div', { class: 'banner bad' }, view.alerts.map(a => h('p', {}, a.kind + ': ' + a.message))) : null,
    h('h2', {}, 'Nodes'),
    table('nodes', [
      ['Node', n => consoleUrl(n.apiUrl) ? h('a', { href: consoleUrl(n.apiUrl) }, n.nodeId) : n.nodeId],
      ['Role', n => badge(n.stale ? 'STALE' : n.role)],
      ['Epoch', n => String(n.epoch)],
      ['Heartbeat age', n => duration(n.ageMillis)],
      ['Host', n => n.host + ' (pid ' + n.pid + ')'],
      ['Version', n => n.version],
      ['Started', n => time(n.startedAt)],
      ['', n => switchButton(n, activeNode)],
    ], view.nodes, n => ({ dataset: { id: n.nodeId, role: String(n.stale ? 'stale' : n.role).toLowerCase() } }), 'No node is registered.'),
    changes.length ? h('h2', {}, 'Role changes') : null,
    changes.length ? table('role-changes', [
      ['Epoch', c => String(c.epoch)],
      ['Node', c => c.nodeId],
      ['Previous', c => c.previousNode || '—'],
      ['Cause', c => c.cause],
      ['Completed', c => time(c.completedAt)],
      ['By', c => c.actor || '—'],
      ['Detail', c => c.detail || ''],
    ], changes, c => ({ dataset: { id: c.epoch } })) : null);
}

/** Returns the switch-over button of a live passive node, offered only while this node is the active one. */
function switchButton(node, activeNode) {
  if (!activeNode || session.nodeRole !== 'ACTIVE' || node.stale || node.role !== 'PASSIVE') {
    return null;
  }
  return actionButton('switchover', 'Switch over to ' + node.nodeId, () => act(
    'Hand the active role from ' + activeNode.nodeId + ' to ' + node.nodeId + '? Running work finishes its current commit first.',
    () => api('POST', '/api/switchover', { to: node.nodeId, timeout: '60s' }), refresh));
}
