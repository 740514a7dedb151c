// Rooms: nglive's list (on the central server: the cluster's, with each room's node), live status from the events,
// add (one or many), remove, auto-record on or off, start/stop/split, and on the central server move.

import { get, post, del, patch, ApiError } from '../api.js';
import { h, fill, debounce } from '../dom.js';
import { t, fmt, apply } from '../i18n.js';
import { View } from './view.js';

const REFRESH = 15000;

/** Room ids in a text: numbers or live.bilibili.com URLs, separated by spaces, commas or new lines. */
export function roomIds(text) {
  const ids = [];
  const bad = [];
  for (const part of text.split(/[\s,，;；、]+/)) {
    if (!part) continue;
    const match = part.match(/live\.bilibili\.com\/(?:h5\/|blanc\/)?(\d+)/) || part.match(/^(\d+)$/);
    if (match && Number(match[1]) > 0) {
      if (!ids.includes(Number(match[1]))) ids.push(Number(match[1]));
    } else {
      bad.push(part);
    }
  }
  return { ids, bad };
}

export class RoomsView extends View {
  constructor(el, about, stream) {
    const managed = about.role !== 'central' && !about.recorderApi;
    super(el, about, stream, managed ? 0 : REFRESH);
    this.managed = managed;
    this.rooms = [];
    this.byId = new Map();
    this.rows = new Map();
    this.since = new Map();
    this.nodes = [];
    this.reload = debounce(() => this.load(), 300);
    this.build();
  }

  build() {
    this.message = h('p', { class: 'message', role: 'status' });
    this.counts = h('span', { class: 'counts' });
    this.search = h('input', { type: 'search', id: 'room-search', 'data-i18n-placeholder': 'rooms.search',
      oninput: () => this.filterRows() });
    this.filter = h('select', { id: 'room-filter', onchange: () => this.filterRows() },
      ['all', 'recording', 'streaming', this.central ? 'unplaced' : 'unsynced']
        .map((value) => h('option', { value, 'data-i18n': 'rooms.filter.' + value })));
    this.body = h('tbody');
    const columns = ['room', 'title', 'status', 'autoRecord', this.central ? 'node' : 'sync', 'actions'];
    this.table = h('table', { class: 'list rooms' },
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', 'data-i18n': 'rooms.col.' + c })))),
      this.body);
    fill(this.el,
      h('div', { class: 'head' }, h('h1', { 'data-i18n': 'tab.rooms' }), this.counts),
      this.managed ? h('p', { class: 'notice', 'data-i18n': 'rooms.webhookOnly' }) : [
        this.addForm(),
        h('div', { class: 'filters' },
          h('label', { for: 'room-search', class: 'sr', 'data-i18n': 'rooms.search' }), this.search,
          h('label', { for: 'room-filter', class: 'sr', 'data-i18n': 'rooms.filter' }), this.filter),
        this.message,
        h('div', { class: 'scroll' }, this.table)]);
    apply(this.el);
  }

  addForm() {
    this.ids = h('textarea', { id: 'room-ids', rows: 3, 'data-i18n-placeholder': 'rooms.add.placeholder' });
    this.autoRecord = h('input', { type: 'checkbox', id: 'room-auto', checked: true });
    this.labels = h('input', { id: 'room-labels', 'data-i18n-placeholder': 'rooms.add.labelsHint' });
    this.twice = h('input', { type: 'checkbox', id: 'room-twice' });
    return h('form', { class: 'add', id: 'room-add', onsubmit: (e) => { e.preventDefault(); this.add(); } },
      h('label', { for: 'room-ids', 'data-i18n': 'rooms.add.label' }), this.ids,
      h('div', { class: 'row' },
        h('label', { class: 'check' }, this.autoRecord, h('span', { 'data-i18n': 'rooms.add.autoRecord' })),
        this.central && [h('label', { for: 'room-labels', 'data-i18n': 'rooms.add.labels' }), this.labels,
          h('label', { class: 'check', title: t('rooms.add.twiceHint') }, this.twice,
            h('span', { 'data-i18n': 'rooms.add.twice' }))],
        h('button', { type: 'submit', id: 'room-add-button', 'data-i18n': 'rooms.add.button' })));
  }


  relabel() {
    apply(this.el);
    this.rows.forEach((row) => { row.signature = null; });
    this.render();
  }

  async load() {
    // webhook-only: the recorder manages its rooms, and nglive has none to show
    if (this.managed) return;
    try {
      const [rooms, nodes] = await Promise.all([get('/api/rooms'), this.central ? get('/api/nodes') : []]);
      this.rooms = rooms;
      this.byId = new Map(rooms.map((room) => [room.roomId, room]));
      this.nodes = nodes;
      this.render();
    } catch (e) {
      if (e instanceof ApiError && e.code === 4093) this.managed = true;
      this.say(e.message, true);
    }
  }

  onEvents(events) {
    const changed = new Set();
    for (const event of events) {
      switch (event.type) {
        case 'RoomAdded': case 'RoomRemoved': case 'RoomUpdated':
        case 'RoomPlaced': case 'RoomMoved': case 'RoomUnplaced':
        case 'NodeJoined': case 'NodeLost':
          if (this.visible) this.reload();
          break;
        case 'SessionStarted': case 'FileOpening': case 'SessionEnded': case 'StreamStarted': case 'StreamEnded':
          if (this.apply(event)) changed.add(event.roomId);
          break;
        default:
      }
    }
    // a fast stream of recorder events: only the rows whose room changed are redrawn
    if (changed.size && this.visible) {
      const rooms = [...changed].map((id) => this.byId.get(id));
      rooms.forEach((room) => this.renderRow(room));
      this.showCounts();
      this.filterRows(rooms);
    }
  }

  /**
   * A recorder's event says at once what the next reading of the recorder would, and since when (until a reading
   * gives recordingSince); true when it changed what the row shows.
   */
  apply(event) {
    const room = this.byId.get(event.roomId);
    if (!room) return false;
    const id = room.roomId;
    const shown = () => `${room.recording} ${room.streaming} ${room.recordingSince} ${this.since.get(id)}`;
    const before = shown();
    if (event.type === 'SessionStarted') {
      this.since.set(id, event.time);
      // a new session: the last reading's recordingSince was the previous one's
      room.recordingSince = null;
      room.recording = true;
    } else if (event.type === 'FileOpening') {
      if (!this.since.has(id)) this.since.set(id, event.time);
      room.recording = true;
    } else if (event.type === 'StreamStarted') {
      if (!this.since.has(id)) this.since.set(id, event.time);
      room.streaming = true;
    } else {
      if (event.type === 'SessionEnded') {
        room.recording = false;
        room.recordingSince = null;
      } else {
        room.streaming = false;
      }
      if (!room.recording && !room.streaming) this.since.delete(id);
    }
    return before !== shown();
  }

  render() {
    if (!this.visible) return;
    const seen = new Set();
    let order = 0;
    let moved = false;
    for (const room of this.rooms) {
      seen.add(room.roomId);
      if (!this.rows.has(room.roomId)) moved = true;
      const row = this.renderRow(room);
      if (this.body.children[order] !== row.tr) moved = true;
      order++;
    }
    for (const [id, row] of this.rows) {
      if (!seen.has(id)) {
        row.tr.remove();
        this.rows.delete(id);
      }
    }
    if (moved) this.body.append(...this.rooms.map((room) => this.rows.get(room.roomId).tr));
    this.showCounts();
    this.filterRows();
  }

  /** A room's row, made or brought up to date; only a room that changed is rebuilt (500 rooms, few changes). */
  renderRow(room) {
    let row = this.rows.get(room.roomId);
    if (!row) {
      row = { tr: h('tr', { dataset: { room: room.roomId } }), signature: null };
      this.rows.set(room.roomId, row);
    }
    const signature = JSON.stringify(room) + this.since.get(room.roomId);
    if (signature !== row.signature) {
      row.signature = signature;
      fill(row.tr, ...this.cells(room));
    }
    return row;
  }

  showCounts() {
    const recording = this.rooms.filter((r) => r.recording).length;
    const streaming = this.rooms.filter((r) => r.streaming).length;
    this.counts.textContent = t('rooms.counts', { total: this.rooms.length, recording, streaming });
  }

  filterRows(rooms = this.rooms) {
    const words = this.search.value.trim().toLowerCase();
    const kind = this.filter.value;
    for (const room of rooms) {
      const row = this.rows.get(room.roomId);
      const text = `${room.roomId} ${room.shortId || ''} ${room.name || ''} ${room.title || ''} ${room.node || ''}`;
      const shown = (!words || text.toLowerCase().includes(words))
        && (kind === 'all' || (kind === 'recording' && room.recording) || (kind === 'streaming' && room.streaming)
          || (kind === 'unsynced' && !room.synced) || (kind === 'unplaced' && !room.nodeId));
      row.tr.hidden = !shown;
    }
  }

  cells(room) {
    const id = room.roomId;
    const area = [room.areaNameParent, room.areaNameChild].filter(Boolean).join(' · ');
    const status = [];
    if (room.streaming) status.push(h('span', { class: 'badge live' }, t('rooms.streaming')));
    if (room.recording) status.push(h('span', { class: 'badge rec' }, t('rooms.recording')));
    if (room.recording === null || room.recording === undefined) {
      status.push(h('span', { class: 'badge' }, t('rooms.unknown')));
    } else if (!room.streaming && !room.recording) {
      status.push(h('span', { class: 'badge idle' }, t('rooms.idle')));
    }
    if (room.recording && room.recordingSince) {
      // the recorder's own figure; the events' time only when it gives none
      status.push(h('span', { class: 'since' }, t('rooms.recordingSince', { time: fmt.time(room.recordingSince) })));
    } else if ((room.recording || room.streaming) && this.since.has(id)) {
      status.push(h('span', { class: 'since' }, t('rooms.since', { time: fmt.time(this.since.get(id)) })));
    }
    return [
      h('td', { 'data-label': t('rooms.col.room') },
        h('a', { href: 'https://live.bilibili.com/' + id, target: '_blank', rel: 'noopener noreferrer' }, String(id)),
        room.shortId ? h('span', { class: 'dim' }, ' (' + room.shortId + ')') : null,
        room.name ? h('div', { class: 'name' }, room.name) : null),
      h('td', { 'data-label': t('rooms.col.title') }, room.title || '—', area ? h('div', { class: 'dim' }, area) : null),
      h('td', { 'data-label': t('rooms.col.status'), class: 'status' }, status),
      h('td', { 'data-label': t('rooms.col.autoRecord'), class: 'auto' }, this.autoRecordToggle(room)),
      this.central ? this.nodeCell(room) : this.syncCell(room),
      h('td', { 'data-label': t('rooms.col.actions'), class: 'actions' }, this.actions(room)),
    ];
  }

  autoRecordToggle(room) {
    const box = h('input', { type: 'checkbox', checked: Boolean(room.autoRecord), dataset: { action: 'auto-record' },
      'aria-label': t('rooms.autoRecordFor', { id: room.roomId }) });
    box.addEventListener('change', () => this.setAutoRecord(room.roomId, box));
    return h('label', { class: 'check' }, box, h('span', {}, room.autoRecord ? t('yes') : t('no')));
  }

  syncCell(room) {
    return h('td', { 'data-label': t('rooms.col.sync') }, room.synced
      ? h('span', { class: 'ok' }, '✓ ' + t('rooms.synced'))
      : h('span', { class: 'warn', title: room.syncError || '' }, '✗ ' + (room.syncError || t('rooms.unsynced'))));
  }

  nodeCell(room) {
    if (!room.nodeId) {
      return h('td', { 'data-label': t('rooms.col.node'), class: 'unplaced' },
        h('span', { class: 'warn' }, t('rooms.unplaced')),
        room.unplacedReason ? h('div', { class: 'reason' }, room.unplacedReason) : null);
    }
    return h('td', { 'data-label': t('rooms.col.node'), class: 'node' },
      h('span', { class: room.nodeConnected ? 'ok' : 'warn' }, room.node),
      room.nodeConnected ? null : h('div', { class: 'dim' }, t('rooms.nodeAway')),
      room.replica ? this.secondCell(room) : null,
      room.labels && room.labels.length ? h('div', { class: 'dim' }, room.labels.join(', ')) : null);
  }

  /** A room recorded twice: its second node, and which node uploads its latest session. */
  secondCell(room) {
    const second = room.replica;
    return h('div', { class: 'replica' },
      second.nodeId
        ? h('div', null, t('rooms.second') + ' ', h('span', { class: second.nodeConnected ? 'ok' : 'warn' }, second.node))
        : h('div', { class: 'warn', title: second.unplacedReason || '' }, t('rooms.secondUnplaced')),
      room.uploader ? h('div', { class: 'dim', title: room.uploader.sessionId },
        t(room.uploader.uploaded ? 'rooms.uploadedBy' : 'rooms.uploader', { node: room.uploader.node })) : null);
  }

  actions(room) {
    const id = room.roomId;
    const button = (action, key) => h('button', { type: 'button', class: 'small', dataset: { action },
      'aria-label': t(key) + ' ' + id, onclick: () => this.act(id, action) }, t(key));
    const remove = h('button', { type: 'button', class: 'small danger', dataset: { action: 'remove' },
      'aria-label': t('rooms.remove') + ' ' + id });
    remove.textContent = t('rooms.remove');
    // a second click within 4 s removes: no modal dialog to dismiss
    remove.addEventListener('click', () => {
      if (remove.dataset.armed) return this.remove(id);
      remove.dataset.armed = '1';
      remove.textContent = t('rooms.removeConfirm');
      setTimeout(() => { delete remove.dataset.armed; remove.textContent = t('rooms.remove'); }, 4000);
    });
    // on the central server a room on no node has nobody to start, stop or split it
    const list = this.central && !room.nodeId ? [remove]
      : [button('start', 'rooms.start'), button('stop', 'rooms.stop'), button('split', 'rooms.split'), remove];
    if (this.central) list.push(this.moveControl(room));
    return list;
  }

  /**
   * "Move", which opens a choice of the other connected nodes when clicked: a list of every node in all 500 rows
   * would multiply the page's elements by the number of nodes, and each changed row would rebuild it.
   */
  moveControl(room) {
    const id = room.roomId;
    const span = h('span', { class: 'move' });
    const open = h('button', { type: 'button', class: 'small', dataset: { action: 'move' },
      'aria-label': t('rooms.moveTo') + ' ' + id, onclick: async () => {
        // the nodes as they are now, not as the last refresh saw them
        try {
          this.nodes = await get('/api/nodes');
        } catch (e) {
          this.say(`${id}: ${e.message}`, true);
          return;
        }
        const others = this.nodes.filter((n) => n.nodeId !== room.nodeId && n.connected);
        if (!others.length) {
          this.say(t('rooms.noOtherNode', { id }), true);
          return;
        }
        const select = h('select', { class: 'small', dataset: { action: 'move-to' }, 'aria-label': t('rooms.moveTo') + ' ' + id },
          others.map((n) => h('option', { value: n.name }, n.name)));
        fill(span, select, h('button', { type: 'button', class: 'small', dataset: { action: 'move-confirm' },
          onclick: () => this.move(id, select.value) }, t('rooms.move')));
        select.focus();
      } }, t('rooms.move') + '…');
    span.append(open);
    return span;
  }

  /** One room's request: said when done, then the list read again; or its error. */
  async request(id, call, done) {
    try {
      await call();
      this.say(done);
      this.reload();
    } catch (e) {
      this.say(`${id}: ${e.message}`, true);
    }
  }

  act(id, action) {
    return this.request(id, () => post(`/api/rooms/${id}/${action}`), t('rooms.done.' + action, { id }));
  }

  async setAutoRecord(id, box) {
    const wanted = box.checked;
    box.disabled = true;
    try {
      const answer = await patch(`/api/rooms/${id}`, { autoRecord: wanted });
      const room = this.byId.get(id);
      if (room) {
        room.autoRecord = answer.autoRecord;
        this.renderRow(room);
        this.filterRows([room]);
      }
      const done = t(answer.autoRecord ? 'rooms.done.autoRecordOn' : 'rooms.done.autoRecordOff', { id });
      // the central server stored it; a node that is away or refused it gets it later
      this.say(answer.applied === false ? done + ' ' + t('rooms.autoRecordLater', { why: answer.applyError }) : done);
    } catch (e) {
      box.checked = !wanted;
      this.say(`${id}: ${e.message}`, true);
    } finally {
      box.disabled = false;
    }
  }

  remove(id) {
    return this.request(id, () => del(`/api/rooms/${id}`), t('rooms.done.remove', { id }));
  }

  move(id, node) {
    return this.request(id, () => post(`/api/rooms/${id}/move`, { node }), t('rooms.done.move', { id, node }));
  }

  async add() {
    const { ids, bad } = roomIds(this.ids.value);
    if (!ids.length) {
      this.say(t('rooms.add.none'), true);
      return;
    }
    const labels = this.central ? this.labels.value.split(/[\s,]+/).filter(Boolean) : undefined;
    const added = [];
    const refused = [];
    // a few at a time: a pasted list of 200 rooms must not open 200 requests at once
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          await post('/api/rooms', { roomId: id, autoRecord: this.autoRecord.checked, labels,
            replicas: this.central && this.twice.checked ? 2 : undefined });
          added.push(id);
        } catch (e) {
          refused.push(`${id}: ${e.code === 4032 ? t('rooms.add.already') : e.message}`);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const lines = [t('rooms.add.result', { added: added.length })];
    if (bad.length) lines.push(t('rooms.add.bad', { items: bad.join(' ') }));
    lines.push(...refused);
    this.say(lines.join('\n'), refused.length > 0 || bad.length > 0);
    if (!refused.length && !bad.length) this.ids.value = '';
    this.reload();
  }
}
