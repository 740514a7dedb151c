// The dashboard: asks for the API token when nglive has one, then shows one view at a time (#rooms, #jobs,
// #health, #events), all fed by one event stream. Nothing of nglive's data is fetched before the token is accepted.

import { api, token, onUnauthorized } from './api.js';
import { EventStream } from './stream.js';
import { $ } from './dom.js';
import * as i18n from './i18n.js';
import { RoomsView } from './views/rooms.js';
import { JobsView } from './views/jobs.js';
import { HealthView } from './views/health.js';
import { EventsView } from './views/events.js';

// how far back the feed starts: seqs are not contiguous (heartbeats take numbers too), so this is a rough "recent"
const HISTORY = 300;
const VIEWS = { rooms: RoomsView, jobs: JobsView, health: HealthView, events: EventsView };

let views = null;
let current = null;
let stream = null;

function about(tokenToTry) {
  return api('GET', '/api/about', undefined, tokenToTry);
}

async function boot() {
  const select = $('#lang');
  i18n.use(i18n.choose(), false);
  select.value = i18n.lang;
  select.addEventListener('change', () => i18n.use(select.value, true));
  i18n.onChange(() => {
    if (!views) return;
    Object.values(views).forEach((view) => view.relabel());
    showLink(stream.state, Math.round(stream.retryDelay / 2000));
  });
  $('#login').addEventListener('submit', login);
  $('#forget').addEventListener('click', () => {
    token.clear();
    stop();
    askForToken(null);
  });
  onUnauthorized(() => {
    stop();
    askForToken('token.refused');
  });
  try {
    // without a stored token, a server that wants one says only that
    const facts = await about(token.get());
    if (facts.role) start(facts);
    else askForToken(null);
  } catch (e) {
    if (e.status === 401) askForToken(token.get() ? 'token.refused' : null);
    else fail(e);
  }
}

function askForToken(reason) {
  $('#login').hidden = false;
  $('#login-error').textContent = reason ? i18n.t(reason) : '';
  $('#token').value = '';
  $('#token').focus();
}

async function login(event) {
  event.preventDefault();
  const entered = $('#token').value;
  // fetch cannot put other characters in a header, and the server compares the token byte for byte
  if (/[^\u0000-\u00ff]/.test(entered)) {
    $('#login-error').textContent = i18n.t('token.latin');
    return;
  }
  // checked over HTTP first: a WebSocket refused with 401 only tells the page that it closed
  try {
    const answer = await about(entered);
    if (!answer.role) {
      $('#login-error').textContent = i18n.t('token.wrong');
      return;
    }
    token.set(entered);
    $('#login').hidden = true;
    start(answer);
  } catch (e) {
    $('#login-error').textContent = e.status === 401 ? i18n.t('token.wrong') : i18n.t('boot.error', { message: e.message });
  }
}

function fail(error) {
  const message = $('#boot-error');
  message.hidden = false;
  message.textContent = i18n.t('boot.error', { message: error.message });
}

function start(facts) {
  $('#login').hidden = true;
  $('#boot-error').hidden = true;
  $('#tabs').hidden = false;
  $('#forget').hidden = !token.get();
  // a central instance says which one it is: several take turns to lead
  $('#who').textContent = [facts.name, facts.instance, facts.version].filter(Boolean).join(' · ');
  document.title = `nglive · ${facts.name}`;
  stream = new EventStream(Math.max(0, facts.lastSeq - HISTORY), token.get());
  views = {};
  for (const [name, View] of Object.entries(VIEWS)) views[name] = new View($('#view-' + name), facts, stream);
  let wasDown = false;
  stream.onStatus((state, retryIn) => {
    showLink(state, retryIn);
    if (state === 'down') wasDown = true;
    if (state === 'open' && wasDown) {
      wasDown = false;
      Object.values(views).forEach((view) => view.resync());
    }
  });
  stream.connect();
  window.addEventListener('hashchange', route);
  route();
}

function stop() {
  if (stream) stream.close();
  stream = null;
  if (current) views[current].hide();
  current = null;
  window.removeEventListener('hashchange', route);
  for (const name of Object.keys(VIEWS)) {
    const section = $('#view-' + name);
    section.hidden = true;
    section.replaceChildren();
  }
  views = null;
  $('#tabs').hidden = true;
  $('#link').hidden = true;
  $('#down').hidden = true;
  $('#forget').hidden = true;
  $('#who').textContent = '';
}

function route() {
  const wanted = location.hash.slice(1);
  const name = VIEWS[wanted] ? wanted : 'rooms';
  if (name === current) return;
  if (current) {
    views[current].hide();
    $('#view-' + current).hidden = true;
  }
  current = name;
  $('#view-' + name).hidden = false;
  for (const tab of document.querySelectorAll('#tabs a')) {
    if (tab.dataset.view === name) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  views[name].show();
}

function showLink(state, retryIn) {
  const link = $('#link');
  link.hidden = false;
  link.className = 'link ' + state;
  link.textContent = '● ' + i18n.t('link.' + state);
  const banner = $('#down');
  banner.hidden = state !== 'down';
  if (state === 'down') banner.textContent = i18n.t('link.banner', { n: retryIn });
}

boot();
