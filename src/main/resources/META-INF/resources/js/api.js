// The HTTP API, with the token from the browser's storage (never in a URL): Authorization: Bearer.

const KEY = 'nglive.token';

export const token = {
  get: () => localStorage.getItem(KEY) || '',
  set: (value) => localStorage.setItem(KEY, value),
  clear: () => localStorage.removeItem(KEY),
};

/** An answer other than {"code":0}: the HTTP status, nglive's code and its message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let unauthorized = () => {};

/** What to do when a call is refused for its token (the token was changed on the server). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** Calls the API and returns the answer's data; throws ApiError. `tokenToTry` checks a token not yet stored. */
export async function api(method, path, body, tokenToTry) {
  const headers = {};
  const bearer = tokenToTry ?? token.get();
  if (bearer) headers.Authorization = 'Bearer ' + bearer;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 0, e.message);
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch (e) {
    // not JSON: a proxy's error page, say
  }
  if (response.ok && answer && answer.code === 0) return answer.data;
  const error = new ApiError(response.status, answer?.code ?? 0, answer?.message ?? response.statusText);
  if (response.status === 401 && tokenToTry === undefined) unauthorized(error);
  throw error;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const del = (path) => api('DELETE', path);
export const patch = (path, body) => api('PATCH', path, body);

/** /observe/health with every check's details, by name (open to probes: no token needed). */
export async function healthChecks() {
  const response = await fetch('/observe/health?exposureLevel=full&data=true');
  const health = await response.json();
  const checks = {};
  for (const check of health.checks || []) checks[check.name] = check;
  return { status: health.status, checks };
}
