// The event stream (/ws): one connection, resumed after any break with ?since= the last stored event's seq, so that
// nothing is missed. Listeners get events in batches, four times a second at most.

import { batched } from './dom.js';

const RETRY_MAX = 10000;

/** Subprotocol values must be RFC 7230 tokens, so the token travels as base64url without padding. */
function base64url(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export class EventStream {
  /** @param since the seq after which to start (replays what came after it) */
  constructor(since, tokenValue) {
    this.since = since;
    this.token = tokenValue;
    this.listeners = new Set();
    this.statusListeners = new Set();
    this.pending = [];
    this.retryDelay = 1000;
    this.state = 'connecting';
    this.flush = batched(() => {
      const batch = this.pending;
      this.pending = [];
      for (const listener of this.listeners) listener(batch);
    });
  }

  /** listener(events): an array of events, in seq order. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** listener(state, retryInSeconds): 'connecting', 'open' or 'down'. */
  onStatus(listener) {
    this.statusListeners.add(listener);
    listener(this.state);
  }

  status(state, retryIn) {
    this.state = state;
    for (const listener of this.statusListeners) listener(state, retryIn);
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const protocols = ['nglive'];
    if (this.token) protocols.push('nglive.bearer.' + base64url(this.token));
    const socket = new WebSocket(`${scheme}://${location.host}/ws?since=${this.since}`, protocols);
    this.socket = socket;
    this.status('connecting');
    socket.onopen = () => {
      this.retryDelay = 1000;
      this.status('open');
    };
    socket.onmessage = (message) => {
      const event = JSON.parse(message.data);
      // heartbeats are never stored, so they cannot be replayed: resume from the last stored event only
      if (event.type !== 'heartbeat' && event.type !== 'pruned' && event.seq > this.since) this.since = event.seq;
      this.pending.push(event);
      this.flush();
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      const delay = this.retryDelay;
      this.retryDelay = Math.min(RETRY_MAX, delay * 2);
      this.status('down', Math.round(delay / 1000));
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  close() {
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close();
  }
}
