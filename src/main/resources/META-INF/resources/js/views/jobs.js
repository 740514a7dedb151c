// Jobs: a page of the journal at a time (the API pages, so 10,000 jobs cost what 50 do), live progress bars from
// IsTranscode/IsUp, errors with their attempts, retry, and each job's steps and files on demand.

import { get, post } from '../api.js';
import { h, fill, debounce } from '../dom.js';
import { t, fmt, apply } from '../i18n.js';
import { View } from './view.js';

const PAGE = 50;
const POLL = 3000;
// each stage's events: <Prefix>Started, Is<Prefix>, <Prefix>Ended, <Prefix>Error
const STAGES = {};
for (const [prefix, stage] of [['Transcode', 'transcode'], ['Danmaku', 'danmaku'], ['Cover', 'cover'], ['Up', 'upload']]) {
  for (const type of [prefix + 'Started', 'Is' + prefix, prefix + 'Ended', prefix + 'Error']) STAGES[type] = stage;
}
// events after which a job's row (or the list) reads differently
const LIFECYCLE = new Set(['FileClosed', 'RecordingDeleted', 'UploadWaiting', 'UploadStandby', 'UploadedElsewhere',
  ...Object.keys(STAGES).filter((type) => !type.startsWith('Is'))]);

/** A step's stage, translated; "upload:nas" is the upload to the target nas. */
function stageName(step) {
  const [stage, name] = step.split(':');
  return t('stage.' + stage) + (name ? ' → ' + name : '');
}

export class JobsView extends View {
  constructor(el, about, stream) {
    super(el, about, stream, POLL);
    this.jobs = [];
    this.offset = 0;
    this.rows = new Map();
    this.progress = new Map();
    this.open = new Set();
    this.reload = debounce(() => this.load(), 400);
    this.build();
  }

  /** Jobs are numbered per node: on the central server a job is its node and its id. */
  key(nodeId, jobId) {
    return this.central ? `${nodeId}:${jobId}` : String(jobId);
  }

  build() {
    this.status = h('select', { id: 'job-status', onchange: () => this.refilter() },
      ['', 'PENDING', 'RUNNING', 'WAITING', 'STANDBY', 'DONE', 'FAILED'].map((s) => h('option', { value: s, 'data-i18n': 'jobs.status.' + (s || 'all') })));
    this.room = h('input', { id: 'job-room', type: 'search', inputmode: 'numeric', 'data-i18n-placeholder': 'jobs.room',
      oninput: debounce(() => this.refilter(), 400) });
    this.node = h('select', { id: 'job-node', onchange: () => this.refilter() });
    this.message = h('p', { class: 'message', role: 'status' });
    this.body = h('tbody');
    this.empty = h('tr', {}, h('td', { colspan: 11, class: 'empty' }));
    this.newer = h('button', { type: 'button', id: 'jobs-newer', 'data-i18n': 'jobs.newer', onclick: () => this.page(-1) });
    this.older = h('button', { type: 'button', id: 'jobs-older', 'data-i18n': 'jobs.older', onclick: () => this.page(1) });
    this.where = h('span', { class: 'dim' });
    const columns = [...(this.central ? ['node'] : []), 'job', 'room', 'recording', 'status', 'progress', 'attempts',
      'error', 'updated', 'actions'];
    fill(this.el,
      h('div', { class: 'head' }, h('h1', { 'data-i18n': 'tab.jobs' })),
      h('div', { class: 'filters' },
        h('label', { for: 'job-status', 'data-i18n': 'jobs.col.status' }), this.status,
        h('label', { for: 'job-room', 'data-i18n': 'jobs.col.room' }), this.room,
        this.central && [h('label', { for: 'job-node', 'data-i18n': 'jobs.col.node' }), this.node]),
      this.message,
      h('div', { class: 'scroll' }, h('table', { class: 'list jobs' },
        h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', 'data-i18n': 'jobs.col.' + c })))),
        this.body)),
      h('div', { class: 'pager' }, this.newer, this.where, this.older));
    apply(this.el);
  }

  /** Progress comes with events; a poll only while a job on the page is under way. */
  due() {
    return this.jobs.some((j) => j.status === 'PENDING' || j.status === 'RUNNING');
  }

  relabel() {
    apply(this.el);
    this.rows.clear();
    this.render();
  }

  refilter() {
    this.offset = 0;
    this.load();
  }

  page(direction) {
    this.offset = Math.max(0, this.offset + direction * PAGE);
    this.load();
  }

  async load() {
    // answers can come back out of order (a poll, an event, a new filter): only the last asked is shown
    const asked = (this.asked = (this.asked || 0) + 1);
    const query = new URLSearchParams({ limit: PAGE, offset: this.offset });
    if (this.status.value) query.set('status', this.status.value);
    if (this.room.value.trim()) query.set('roomid', this.room.value.trim());
    if (this.central && this.node.value) query.set('node', this.node.value);
    try {
      const [jobs, nodes] = await Promise.all([get('/api/jobs?' + query), this.central ? get('/api/nodes') : null]);
      if (asked !== this.asked) return;
      this.jobs = jobs;
      if (nodes) this.nodeChoices(nodes);
      if (this.failedToLoad) this.say('');
      this.failedToLoad = false;
      this.render();
    } catch (e) {
      this.failedToLoad = true;
      this.say(e.message, true);
    }
  }

  nodeChoices(nodes) {
    const names = ['', ...nodes.map((n) => n.name)];
    if (names.join() === [...this.node.options].map((o) => o.value).join()) return;
    const chosen = this.node.value;
    fill(this.node, names.map((name) => h('option', { value: name }, name || t('jobs.status.all'))));
    this.node.value = chosen;
  }

  onEvents(events) {
    let lifecycle = false;
    for (const event of events) {
      const stage = STAGES[event.type];
      if (stage && event.jobId) {
        const key = this.key(event.nodeId, event.jobId);
        const progress = event.type.endsWith('Ended') ? 100
          : event.type.endsWith('Started') ? 0 : event.progress ?? this.progress.get(key)?.progress ?? 0;
        // a stage the job can do without (danmaku, cover) fails without failing the job
        this.progress.set(key, { stage, progress, failed: event.type.endsWith('Error') && !event.jobGoesOn });
        const row = this.rows.get(key);
        if (row) this.showProgress(row.bar, row.job, key);
      }
      if (LIFECYCLE.has(event.type)) lifecycle = true;
    }
    if (lifecycle && this.visible) this.reload();
  }

  render() {
    if (!this.visible) return;
    const keep = new Map();
    const trs = [];
    for (const job of this.jobs) {
      const key = this.key(job.nodeId, job.id);
      const signature = JSON.stringify(job);
      let row = this.rows.get(key);
      if (!row || row.signature !== signature) row = this.row(job, key, signature);
      keep.set(key, row);
      trs.push(row.tr);
      if (this.open.has(key)) trs.push(row.detail);
    }
    this.rows = keep;
    if (!this.jobs.length) {
      this.empty.firstChild.textContent = t('jobs.none');
      trs.push(this.empty);
    }
    // the same rows in the same order (a poll that found nothing new): the DOM is left alone
    const children = this.body.children;
    if (trs.length !== children.length || trs.some((tr, i) => children[i] !== tr)) this.body.replaceChildren(...trs);
    this.newer.disabled = this.offset === 0;
    this.older.disabled = this.jobs.length < PAGE;
    this.where.textContent = this.jobs.length
      ? t('jobs.range', { from: this.offset + 1, to: this.offset + this.jobs.length }) : '';
  }

  row(job, key, signature) {
    const bar = h('progress', { max: 100, value: 0 });
    const detail = h('tr', { class: 'detail' }, h('td', { colspan: 11 }, t('loading')));
    const retry = job.status === 'FAILED'
      ? h('button', { type: 'button', class: 'small', dataset: { action: 'retry' },
        'aria-label': `${t('jobs.retry')} ${job.id}${this.central ? ' ' + job.node : ''}`,
        onclick: (e) => this.retry(job, e.currentTarget) }, t('jobs.retry')) : null;
    const details = h('button', { type: 'button', class: 'small quiet', 'aria-expanded': String(this.open.has(key)),
      onclick: () => this.toggle(job, key) }, t('jobs.details'));
    const error = job.error || job.last?.error || '';
    const tr = h('tr', { dataset: { job: job.id, status: job.status } },
      this.central && h('td', { 'data-label': t('jobs.col.node') }, job.node),
      h('td', { 'data-label': t('jobs.col.job') }, '#' + job.id),
      h('td', { 'data-label': t('jobs.col.room') }, job.roomId ?? '—'),
      h('td', { 'data-label': t('jobs.col.recording'), class: 'file' }, job.title ? h('div', {}, job.title) : null,
        h('div', { class: 'dim' }, job.file)),
      h('td', { 'data-label': t('jobs.col.status') }, h('span', { class: 'badge ' + job.status.toLowerCase() },
        t('jobs.status.' + job.status))),
      h('td', { 'data-label': t('jobs.col.progress'), class: 'progress' }, bar),
      h('td', { 'data-label': t('jobs.col.attempts') }, job.attempts ?? job.last?.attempt ?? ''),
      h('td', { 'data-label': t('jobs.col.error'), class: 'error-text', title: error }, error),
      h('td', { 'data-label': t('jobs.col.updated') }, fmt.time(job.updated)),
      h('td', { 'data-label': t('jobs.col.actions'), class: 'actions' }, retry, details));
    const row = { tr, detail, bar, job, signature };
    this.showProgress(bar, job, key);
    if (this.open.has(key)) this.details(job, detail);
    return row;
  }

  /** The bar shows the live progress of the job's stage, or where the journal says the job is. */
  showProgress(bar, job, key) {
    const live = this.progress.get(key);
    const stage = live?.stage ?? job.stage ?? '';
    let value = live?.progress ?? 0;
    if (job.status === 'DONE') value = 100;
    bar.value = value;
    const label = `${stage ? t('stage.' + stage) + ' ' : ''}${Math.round(value)}%`;
    bar.setAttribute('aria-label', label);
    bar.title = label;
    bar.nextSibling?.remove();
    bar.after(h('span', { class: 'dim' }, ' ' + label));
  }

  toggle(job, key) {
    const row = this.rows.get(key);
    if (this.open.has(key)) {
      this.open.delete(key);
      row.detail.remove();
    } else {
      this.open.add(key);
      row.tr.after(row.detail);
      this.details(job, row.detail);
    }
    row.tr.querySelector('[aria-expanded]').setAttribute('aria-expanded', String(this.open.has(key)));
  }

  async details(job, detail) {
    const cell = detail.firstChild;
    if (this.central) {
      fill(cell, h('dl', { class: 'facts' }, Object.entries(job.last || {}).flatMap(([k, v]) =>
        [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))])));
      return;
    }
    try {
      const full = await get('/api/jobs/' + job.id);
      // a room recorded on two nodes: which one uploads the job's session
      const replica = full.replica && h('p', { class: 'dim' }, t('jobs.replica.' + full.replica.role,
        { node: full.replica.primary || '?' }));
      fill(cell, replica,
        h('table', { class: 'steps' },
          h('thead', {}, h('tr', {}, ['stage', 'input', 'output', 'status', 'attempts', 'error', 'started', 'finished']
            .map((c) => h('th', { scope: 'col' }, t('steps.' + c))))),
          h('tbody', {}, full.steps.map((s) => h('tr', {},
            h('td', {}, stageName(s.stage)), h('td', { class: 'file' }, s.input), h('td', { class: 'file' }, s.output || ''),
            h('td', {}, t('jobs.status.' + s.status)), h('td', {}, s.attempts), h('td', { class: 'error-text' }, s.error || ''),
            h('td', {}, fmt.time(s.started)), h('td', {}, fmt.time(s.finished)))))),
        h('table', { class: 'artifacts' },
          h('thead', {}, h('tr', {}, ['name', 'path', 'uploads']
            .map((c) => h('th', { scope: 'col' }, t('artifacts.' + c))))),
          h('tbody', {}, (full.artifacts || []).map((a) => h('tr', { 'data-artifact': a.name },
            h('td', {}, t('artifact.' + a.name)),
            h('td', { class: 'file' }, a.path, a.deleted ? ' (' + t('artifacts.deleted') + ')' : ''),
            h('td', { class: 'file' }, a.uploads.length
              ? a.uploads.map((u) => (u.target === 'default' ? '' : u.target + ': ') + u.url).join(', ')
              : '—'))))));
    } catch (e) {
      fill(cell, h('span', { class: 'error' }, e.message));
    }
  }

  /**
   * On the central server the job is its node's, named by id (two nodes may share a name); the row reads RUNNING
   * when the node's events say so. The button stays off meanwhile, so that a second click does not ask again.
   */
  async retry(job, button) {
    const path = `/api/jobs/${job.id}/retry` + (this.central ? '?node=' + encodeURIComponent(job.nodeId) : '');
    button.disabled = true;
    try {
      await post(path);
      this.say(this.central ? t('jobs.retriedOn', { id: job.id, node: job.node }) : t('jobs.retried', { id: job.id }));
      this.load();
    } catch (e) {
      button.disabled = false;
      this.say(`#${job.id}${this.central ? ' (' + job.node + ')' : ''}: ${e.message}`, true);
    }
  }
}
