// Building DOM without innerHTML: room titles and file names come from streamers, so they are only ever text.

/** h('td', {class: 'x', dataset: {room: 1}, onclick: f}, 'text', child) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const $ = (selector, root = document) => root.querySelector(selector);

/**
 * Calls fn at most once per `interval` ms, in an animation frame, however often it is asked for: a fast event stream
 * would otherwise make the browser lay out a table of 500 rooms sixty times a second. Hidden tabs get no frames, so
 * a timer stands in for them.
 */
export function batched(fn, interval = 250) {
  // the batch waiting to run, if any. Each batch runs once, from its frame or its stand-in timer, whichever comes
  // first: a timer left over from an earlier batch must not run a later one early (at 100 events a second that made
  // fn run almost once per event, and the page lay out seven times as often)
  let waiting = null;
  const run = (batch) => {
    if (waiting !== batch) return;
    waiting = null;
    fn();
  };
  return () => {
    if (waiting) return;
    const batch = {};
    waiting = batch;
    setTimeout(() => {
      if (document.hidden) {
        run(batch);
        return;
      }
      requestAnimationFrame(() => run(batch));
      // a tab hidden before its frame comes gets no frame: the timer runs the batch instead
      setTimeout(() => run(batch), interval * 4);
    }, interval);
  };
}

/** Calls fn once things have been quiet for `ms` (several room events in a row: one reload of the list). */
export function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
