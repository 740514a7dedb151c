// Health: on a node its load, disk, queues, recorder and central channel (heartbeats from the stream, checks from
// /observe/health); on the central server every node with its load and when it was last heard of.

import { get, healthChecks } from '../api.js';
import { h, fill, debounce } from '../dom.js';
import { t, fmt, apply } from '../i18n.js';
import { View } from './view.js';

const POLL = 5000;
// the works path's disk: a warning well before the recorder's writes fail
const DISK_WARN = 90;
const DISK_FULL = 97;

function meter(percent, warn = 80, danger = 95) {
  const level = percent >= danger ? 'danger' : percent >= warn ? 'warn' : 'ok';
  return h('div', { class: 'meter ' + level, role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100,
    'aria-valuenow': Math.round(percent) }, h('span', { style: `width:${Math.min(100, percent)}%` }));
}

function card(title, ...body) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...body);
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export class HealthView extends View {
  constructor(el, about, stream) {
    super(el, about, stream, POLL);
    this.beat = null;
    this.checks = null;
    this.nodes = [];
    this.reload = debounce(() => this.load(), 500);
    this.content = h('div', { class: 'cards' });
    fill(el, h('div', { class: 'head' }, h('h1', { 'data-i18n': 'tab.health' })), this.content);
    apply(el);
  }

  relabel() {
    apply(this.el);
    this.render();
  }

  async load() {
    try {
      if (this.central) this.nodes = await get('/api/nodes');
      this.checks = await healthChecks();
      this.problem = null;
    } catch (e) {
      this.problem = e.message;
    }
    this.render();
  }

  onEvents(events) {
    let changed = false;
    for (const event of events) {
      if (event.type === 'heartbeat') {
        this.beat = event;
        changed = true;
      } else if (this.central && this.visible && (event.type === 'NodeJoined' || event.type === 'NodeLost')) {
        // a central server's restart brings every node back at once: one reload for the lot
        this.reload();
      }
    }
    if (changed && this.visible) this.render();
  }

  render() {
    if (!this.visible) return;
    const cards = this.central ? this.clusterCards() : this.nodeCards();
    if (this.problem) cards.unshift(h('p', { class: 'error' }, this.problem));
    fill(this.content, cards);
  }

  overall() {
    const up = this.checks?.status === 'UP';
    return h('span', { class: 'badge ' + (this.checks ? (up ? 'done' : 'failed') : '') },
      this.checks ? (up ? t('health.up') : t('health.down')) : '…');
  }

  nodeCards() {
    const beat = this.beat;
    const cards = [];
    const age = beat ? (Date.now() - Date.parse(fmt.iso(beat.time))) / 1000 : null;
    const stale = age !== null && age * 1000 > 3 * this.about.heartbeatInterval + 2000;
    cards.push(card(t('health.node'), facts([
      [t('health.status'), this.overall()],
      [t('health.name'), this.about.name],
      [t('health.version'), this.about.version],
      [t('health.heartbeat'), beat ? h('span', { class: stale ? 'warn' : '' }, fmt.ago(beat.time)) : t('health.noHeartbeat')],
      beat && [t('health.subscribers'), String(beat.subscribers)],
      beat && [t('health.rooms'), String(beat.rooms)],
    ])));
    if (beat) {
      const cpu = beat.cpu || {};
      const memory = beat.memory || {};
      cards.push(card(t('health.load'),
        facts([[t('health.cpu'), t('health.cpuValue', { percent: fmt.number(cpu.percent), cores: cpu.cores })]]),
        meter(cpu.percent || 0),
        facts([[t('health.memory'), t('health.used', { used: fmt.bytes(memory.used), total: fmt.bytes(memory.total),
          percent: fmt.number(memory.percent) })]]),
        meter(memory.percent || 0)));
      cards.push(this.diskCard(beat.disk || {}));
      cards.push(this.queuesCard(beat.queues || {}));
    }
    cards.push(this.recorderCard(this.checks?.checks.recorder));
    cards.push(this.centralCard(this.checks?.checks.central));
    return cards;
  }

  diskCard(disk) {
    if (disk.error) return card(t('health.disk'), h('p', { class: 'error' }, disk.error));
    const level = disk.percent >= DISK_FULL ? 'danger' : disk.percent >= DISK_WARN ? 'warn' : null;
    return card(t('health.disk'),
      facts([[t('health.path'), h('code', {}, disk.path)],
        [t('health.free'), t('health.freeValue', { free: fmt.bytes(disk.free), total: fmt.bytes(disk.total),
          percent: fmt.number(disk.percent) })]]),
      meter(disk.percent || 0, DISK_WARN, DISK_FULL),
      level && h('p', { class: level, role: 'alert', id: 'disk-warning' }, t('health.diskWarning', { free: fmt.bytes(disk.free) })));
  }

  queuesCard(queues) {
    const rows = Object.entries(queues).map(([name, q]) => h('tr', {},
      h('th', { scope: 'row' }, t('stage.' + name)),
      h('td', {}, q.running ?? 0), h('td', {}, q.queued ?? q.waiting ?? 0), h('td', {}, q.slots ?? '')));
    return card(t('health.queues'), h('table', { class: 'small-table' },
      h('thead', {}, h('tr', {}, h('td'), ['running', 'waiting', 'slots'].map((c) => h('th', { scope: 'col' }, t('health.' + c))))),
      h('tbody', {}, rows)));
  }

  recorderCard(check) {
    if (!check) return card(t('health.recorder'), h('p', { class: 'dim' }, '…'));
    const d = check.data || {};
    if (d.webhookOnly) return card(t('health.recorder'), h('p', {}, t('health.webhookOnly')));
    return card(t('health.recorder'), facts([
      [t('health.status'), h('span', { class: d['api.reachable'] ? 'ok' : 'warn', id: 'recorder-state' },
        d['api.reachable'] ? t('health.reachable') : t('health.unreachable'))],
      [t('health.url'), h('code', {}, d['api.url'] || '')],
      d['api.rooms'] !== undefined && [t('health.rooms'), String(d['api.rooms'])],
      d['api.checked'] && [t('health.checked'), fmt.time(d['api.checked'])],
      d['process.state'] && [t('health.process'), String(d['process.state'])],
      d['api.problem'] && [t('health.problem'), h('span', { class: 'error-text' }, d['api.problem'])],
    ]));
  }

  centralCard(check) {
    if (!this.about.central) return card(t('health.central'), h('p', { class: 'dim' }, t('health.noCentral')));
    if (!check) return card(t('health.central'), h('p', { class: 'dim' }, '…'));
    const d = check.data || {};
    return card(t('health.central'), facts([
      [t('health.status'), h('span', { class: d.state === 'connected' ? 'ok' : 'warn', id: 'central-state' },
        t('channel.' + d.state))],
      [t('health.url'), h('code', {}, d.url || '')],
      d.since && [t('health.since'), fmt.time(d.since)],
      [t('health.acked'), `${d.lastAcked ?? '—'} / ${d.lastSeq ?? '—'}`],
      (d.problem || d.lastProblem) && [t('health.problem'), h('span', { class: 'error-text' }, d.problem || d.lastProblem)],
    ]));
  }

  clusterCards() {
    const lost = this.nodes.filter((n) => n.state === 'lost').length;
    const connected = this.nodes.filter((n) => n.connected).length;
    const rows = this.nodes.map((n) => h('tr', { class: 'node-' + n.state, dataset: { node: n.name } },
      h('td', { 'data-label': t('nodes.col.name') }, h('strong', {}, n.name), h('div', { class: 'dim' }, n.version || '')),
      h('td', { 'data-label': t('nodes.col.state') }, h('span', { class: 'badge state-' + n.state }, t('node.' + n.state))),
      h('td', { 'data-label': t('nodes.col.cpu') }, n.cpu ? `${fmt.number(n.cpu.percent)}% × ${n.cpu.cores}` : '—'),
      h('td', { 'data-label': t('nodes.col.memory') }, n.memory ? `${fmt.number(n.memory.percent)}%` : '—'),
      h('td', { 'data-label': t('nodes.col.disk') }, n.disk && n.disk.total
        ? h('span', { class: n.disk.percent >= DISK_WARN ? 'warn' : '' }, t('health.freeValue', { free: fmt.bytes(n.disk.free),
          total: fmt.bytes(n.disk.total), percent: fmt.number(n.disk.percent) })) : '—'),
      h('td', { 'data-label': t('nodes.col.queues') }, n.queues?.pipeline
        ? t('nodes.queue', { running: n.queues.pipeline.running, queued: n.queues.pipeline.queued }) : '—'),
      h('td', { 'data-label': t('nodes.col.rooms') }, n.capacity ? `${n.rooms} / ${n.capacity}` : String(n.rooms)),
      h('td', { 'data-label': t('nodes.col.labels') }, (n.labels || []).join(', ')),
      h('td', { 'data-label': t('nodes.col.lastSeen') }, n.lastSeen ? fmt.ago(n.lastSeen) : '—')));
    return [
      card(t('health.cluster'), facts([
        [t('health.status'), this.overall()],
        [t('health.version'), this.about.version],
        [t('health.nodes'), t('nodes.summary', { total: this.nodes.length, connected, lost })],
      ])),
      h('section', { class: 'card wide' }, h('h2', {}, t('health.nodes')), h('div', { class: 'scroll' },
        h('table', { class: 'list nodes' },
          h('thead', {}, h('tr', {}, ['name', 'state', 'cpu', 'memory', 'disk', 'queues', 'rooms', 'labels', 'lastSeen']
            .map((c) => h('th', { scope: 'col' }, t('nodes.col.' + c))))),
          h('tbody', {}, rows)))),
    ];
  }
}
