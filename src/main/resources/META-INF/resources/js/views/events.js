// Events: the live feed from /ws, newest first, filterable, capped so that a day-long session does not grow without end.

import { h, fill } from '../dom.js';
import { t, fmt, apply } from '../i18n.js';
import { View } from './view.js';

const CAP = 500;
const GROUPS = {
  recorder: ['SessionStarted', 'SessionEnded', 'FileOpening', 'FileClosed', 'StreamStarted', 'StreamEnded'],
  pipeline: ['TranscodeStarted', 'TranscodeEnded', 'TranscodeError', 'DanmakuStarted', 'DanmakuEnded', 'DanmakuError',
    'CoverStarted', 'CoverEnded', 'CoverError', 'UploadWaiting', 'UploadStandby', 'UpStarted', 'UpEnded', 'UpError',
    'UploadedElsewhere', 'SessionUploaded', 'SessionNotUploaded', 'RecordingDeleted'],
  progress: ['IsTranscode', 'IsDanmaku', 'IsCover', 'IsUp'],
  rooms: ['RoomAdded', 'RoomRemoved', 'RoomPlaced', 'RoomMoved', 'RoomUnplaced', 'ReplicaPlaced', 'ReplicaUnplaced',
    'ReplicaPrimary'],
  nodes: ['NodeJoined', 'NodeLost'],
  heartbeat: ['heartbeat'],
};
const SHOWN_AT_FIRST = new Set(['recorder', 'pipeline', 'rooms', 'nodes', 'other']);

function group(type) {
  for (const [name, types] of Object.entries(GROUPS)) if (types.includes(type)) return name;
  return 'other';
}

/** The few fields that say what an event is about, in a line. */
function summary(event) {
  const parts = [];
  if (event.roomId) parts.push(t('events.room', { id: event.roomId }));
  if (event.jobId) parts.push('#' + event.jobId);
  if (event.nodeName) parts.push(event.nodeName);
  if (event.progress !== undefined) parts.push(Math.round(event.progress) + '%');
  if (event.type === 'heartbeat') {
    parts.push(`CPU ${fmt.number(event.cpu?.percent)}%`, `${t('health.disk')} ${fmt.number(event.disk?.percent)}%`);
  }
  if (event.type === 'pruned') parts.push(t('events.pruned', { since: event.since, through: event.prunedThrough }));
  for (const field of ['title', 'file', 'input', 'output', 'url', 'primary', 'reason', 'error']) {
    if (event[field]) parts.push(String(event[field]));
  }
  return parts.join(' · ');
}

export class EventsView extends View {
  constructor(el, about, stream) {
    super(el, about, stream);
    this.events = [];
    this.fresh = [];
    this.shown = new Set(SHOWN_AT_FIRST);
    this.list = h('ol', { class: 'feed', id: 'feed', 'aria-live': 'off' });
    this.text = h('input', { type: 'search', id: 'event-text', 'data-i18n-placeholder': 'events.search',
      oninput: () => this.refilter() });
    const boxes = [...Object.keys(GROUPS), 'other'].map((name) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', checked: this.shown.has(name), dataset: { group: name },
        onchange: (e) => { if (e.target.checked) this.shown.add(name); else this.shown.delete(name); this.refilter(); } }),
      h('span', { 'data-i18n': 'events.group.' + name })));
    fill(el,
      h('div', { class: 'head' }, h('h1', { 'data-i18n': 'tab.events' }), h('span', { class: 'dim', 'data-i18n': 'events.cap' })),
      h('div', { class: 'filters' }, boxes,
        h('label', { for: 'event-text', class: 'sr', 'data-i18n': 'events.search' }), this.text),
      this.list);
    apply(el);
  }

  /** Nothing to fetch: the feed is the stream's (replayed with since after a reconnect). */
  load() {
    this.refilter();
  }

  relabel() {
    apply(this.el);
    this.refilter();
  }

  onEvents(events) {
    for (const event of events) this.events.push(event);
    if (this.events.length > CAP) this.events.splice(0, this.events.length - CAP);
    if (!this.visible) return;
    // only the new ones are added: a fast stream costs one small DOM insertion per frame
    const items = events.filter((e) => this.matches(e)).map((e) => this.item(e)).reverse();
    this.list.prepend(...items);
    while (this.list.childElementCount > CAP) this.list.lastElementChild.remove();
  }

  matches(event) {
    if (!this.shown.has(group(event.type))) return false;
    const words = this.text.value.trim().toLowerCase();
    return !words || `${event.type} ${event.node || ''} ${summary(event)}`.toLowerCase().includes(words);
  }

  refilter() {
    if (!this.visible) return;
    fill(this.list, this.events.filter((e) => this.matches(e)).map((e) => this.item(e)).reverse());
  }

  item(event) {
    const stored = event.type !== 'heartbeat' && event.type !== 'pruned';
    return h('li', { class: 'event ' + group(event.type), dataset: stored ? { seq: event.seq, type: event.type } : { type: event.type } },
      h('time', { datetime: event.time || '' }, event.time ? fmt.time(event.time) : ''),
      h('span', { class: 'type' }, event.type),
      event.node ? h('span', { class: 'node' }, event.node) : null,
      h('span', { class: 'what' }, summary(event)));
  }
}
