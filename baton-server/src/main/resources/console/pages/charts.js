// Charts of the last hours per service: files and bytes per hour, and how long each run took.
// Drawn as plain SVG, so the console needs no chart library.
import { api, bytes, duration, h, refresh } from '../lib.js';

const HEIGHT = 160;
/** Widest bar, in pixels, so that a chart with a few runs does not show one wide block. */
const MAX_BAR = 28;
const PAD = 28;
let hours = 24;

export async function render() {
  const stats = await api('GET', '/api/stats?hours=' + hours);
  const services = [...new Set(stats.hours.map(r => r.service).concat(stats.durations.map(d => d.service)))].sort();
  const slots = hourSlots(stats.from, hours);

  return h('section', {},
    h('h1', {}, 'Charts'),
    h('p', {}, 'The last ', h('select', { id: 'chart-hours', onchange: e => { hours = Number(e.target.value); refresh(); } },
      [6, 24, 72, 168].map(n => h('option', { value: n, selected: n === hours }, n + ' hours'))),
    ', per hour in which a run started (times in your browser\'s zone).'),
    services.length === 0 ? h('p', { class: 'empty' }, 'No run in this window.') : null,
    services.map(service => {
      const rows = stats.hours.filter(r => r.service === service);
      const byHour = new Map(rows.map(r => [r.hour, r]));
      const perHour = key => slots.map(s => (byHour.get(s) || {})[key] || 0);
      const runs = stats.durations.filter(d => d.service === service).slice().reverse();
      return h('article', { class: 'card chart-card', dataset: { service } },
        h('h2', {}, service),
        chart('Files per hour', perHour('files'), slots.map(hourLabel), v => String(v), 'files'),
        chart('Bytes in per hour', perHour('bytesIn'), slots.map(hourLabel), bytes, 'bytes'),
        chart('Run durations (' + runs.length + ' runs, by start time)', runs.map(r => r.millis), runs.map(r => clock(r.startedAt)), duration,
          'durations', runs.map(r => 'run ' + r.runId + ', ' + r.state)));
    }),
    stats.runsRead >= 50000 ? h('p', { class: 'muted' }, 'Only the newest 50000 runs are counted.') : null);
}

function hourSlots(from, count) {
  const start = new Date(from).getTime();
  return Array.from({ length: count }, (_, i) => new Date(start + i * 3600000).toISOString().replace('.000Z', 'Z'));
}

function hourLabel(iso) {
  const d = new Date(iso);
  return String(d.getHours()).padStart(2, '0') + ':00';
}

/** Formats an instant as hours and minutes of the browser's zone. */
function clock(iso) {
  const d = new Date(iso);
  return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
}

/** Draws a bar chart with the largest value written at the top; each bar's title gives its label and value. */
function chart(title, values, labels, format, name, states) {
  // Drawn at the width it is shown at, so that text is not stretched.
  const WIDTH = Math.max(280, document.getElementById('page').clientWidth - 70);
  const max = Math.max(1, ...values);
  const n = Math.max(1, values.length);
  const slot = (WIDTH - PAD) / n;
  const barWidth = Math.max(1, Math.min(MAX_BAR, slot * 0.8));
  const plot = HEIGHT - 20;
  const bars = values.map((v, i) => {
    const height = v === 0 ? 0 : Math.max(1, (v / max) * (plot - 10));
    const failed = states && !states[i].endsWith('SUCCEEDED');
    return h('rect', { x: PAD + i * slot, y: plot - height, width: barWidth, height, class: failed ? 'bar bad' : 'bar' },
      h('title', {}, labels[i] + ': ' + format(v) + (states ? ' (' + states[i] + ')' : '')));
  });
  const tickEvery = Math.ceil(n / 8);
  const ticks = labels.map((l, i) => i % tickEvery === 0
    ? h('text', { x: PAD + i * slot, y: HEIGHT - 4, class: 'tick' }, l) : null);
  return h('figure', { class: 'chart', dataset: { chart: name } },
    h('figcaption', {}, title + ' — max ' + format(Math.max(0, ...values))),
    h('svg', { viewBox: '0 0 ' + WIDTH + ' ' + HEIGHT, role: 'img', 'aria-label': title },
      h('line', { x1: PAD, y1: plot, x2: WIDTH, y2: plot, class: 'axis' }),
      h('text', { x: 0, y: 12, class: 'tick' }, format(max)),
      bars, ticks));
}
