// Chinese and English. The language comes from the browser (navigator.languages) until the user picks one, which is
// remembered. Times are shown in the browser's zone, formatted with the chosen language passed to Intl explicitly
// (Chromium's default Intl locale does not follow the browser's language).

import { zh, en } from './words.js';

const KEY = 'nglive.lang';
const WORDS = { 'zh-CN': zh, en };
const listeners = new Set();

export let lang = 'en';

export function choose() {
  const stored = localStorage.getItem(KEY);
  if (WORDS[stored]) return stored;
  for (const wanted of navigator.languages || [navigator.language]) {
    if (/^zh\b/i.test(wanted)) return 'zh-CN';
    if (/^en\b/i.test(wanted)) return 'en';
  }
  return 'en';
}

export function use(language, remember) {
  lang = WORDS[language] ? language : 'en';
  if (remember) localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  apply(document);
  for (const listener of listeners) listener(lang);
}

export function onChange(listener) {
  listeners.add(listener);
}

/** The text for key, with {name} replaced from params; an unknown key reads as its last part. */
export function t(key, params) {
  let text = WORDS[lang][key] ?? en[key] ?? key.slice(key.lastIndexOf('.') + 1);
  if (params) text = text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? ''));
  return text;
}

/** Fills every data-i18n (text), data-i18n-placeholder and data-i18n-label (aria-label) under root. */
export function apply(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

const formats = new Map();
function format(kind, options) {
  const key = lang + kind;
  if (!formats.has(key)) formats.set(key, kind === 'number'
    ? new Intl.NumberFormat(lang, options) : new Intl.DateTimeFormat(lang, options));
  return formats.get(key);
}

export const fmt = {
  /** Java writes nanoseconds; Date.parse wants at most milliseconds. */
  iso: (text) => String(text).replace(/(\.\d{3})\d+/, '$1'),
  time(text) {
    if (!text) return '';
    const date = new Date(fmt.iso(text));
    if (Number.isNaN(date.getTime())) return String(text);
    const today = new Date().toDateString() === date.toDateString();
    return today ? format('clock', { timeStyle: 'medium' }).format(date)
      : format('date', { dateStyle: 'short', timeStyle: 'medium' }).format(date);
  },
  ago(text) {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(fmt.iso(text))) / 1000));
    if (seconds < 60) return t('ago.seconds', { n: seconds });
    if (seconds < 3600) return t('ago.minutes', { n: Math.round(seconds / 60) });
    if (seconds < 86400) return t('ago.hours', { n: Math.round(seconds / 3600) });
    return fmt.time(text);
  },
  number: (n) => (n === undefined || n === null ? '—' : format('number', { maximumFractionDigits: 1 }).format(n)),
  bytes(n) {
    if (n === undefined || n === null) return '—';
    const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
    let value = n;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return fmt.number(value) + ' ' + units[unit];
  },
};
