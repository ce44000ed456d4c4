import type { Agent, Dispatcher } from 'undici';
import type { BodyConfig, HttpConfig, Method } from './config';

/** What one work sends (credentials apart: they depend on the origin of each hop). */
export interface RequestPlan {
  url: URL;
  /** `url`'s origin and path with query, as sent (read once: URL getters are not free). */
  origin: string;
  path: string;
  href: string;
  method: Method;
  /** Lower-case names; the user's headers, `user-agent` and the body's `content-type`. */
  headers: Record<string, string>;
  body: Buffer | string | undefined;
}

type Param = string | number | boolean | ReadonlyArray<string | number | boolean>;

function appendParams(target: URLSearchParams, params: Record<string, Param>): void {
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value) target.append(name, String(v));
    else target.append(name, String(value));
  }
}

/** The body as sent, and its default `content-type`. */
function encodeBody(body: BodyConfig): { data: Buffer | string; type: string } {
  if (body.form !== undefined) {
    const form = new URLSearchParams();
    appendParams(form, body.form);
    return { data: form.toString(), type: 'application/x-www-form-urlencoded' };
  }
  if (body.text !== undefined) return { data: body.text, type: 'text/plain; charset=utf-8' };
  if (body.base64 !== undefined)
    return { data: Buffer.from(body.base64, 'base64'), type: 'application/octet-stream' };
  return { data: JSON.stringify(body.json ?? null), type: 'application/json' };
}

export function planRequest(config: HttpConfig, userAgent: string): RequestPlan {
  const url = new URL(config.url);
  if (config.query) appendParams(url.searchParams, config.query);
  const headers: Record<string, string> = { 'user-agent': userAgent };
  if (config.headers)
    for (const [name, value] of Object.entries(config.headers)) headers[name.toLowerCase()] = value;
  let body: Buffer | string | undefined;
  if (config.body) {
    const encoded = encodeBody(config.body);
    body = encoded.data;
    headers['content-type'] ??= encoded.type;
  }
  return {
    url,
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    href: url.href,
    method: config.method,
    headers,
    body,
  };
}

/** Request headers that carry credentials: never sent to another origin, whoever set them. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** `headers` without credentials (and without the API-key header, when there is one). */
export function withoutCredentials(headers: Record<string, string>, extra?: string): Record<string, string> {
  const out = { ...headers };
  for (const name of CREDENTIAL_HEADERS) delete out[name];
  if (extra) delete out[extra.toLowerCase()];
  return out;
}

export interface Hop {
  agent: Agent;
  origin: string;
  path: string;
  method: Method;
  headers: Record<string, string>;
  body: Buffer | string | undefined;
  signal: AbortSignal;
  /** 0 disables undici's own header/body timeouts (when the work has a deadline, that governs). */
  idleTimeoutMs: number | undefined;
}

/** One request on the agent's pool for the URL's origin. The body must then be read or dumped. */
export function send(hop: Hop): Promise<Dispatcher.ResponseData> {
  const options: Dispatcher.RequestOptions = {
    origin: hop.origin,
    path: hop.path,
    method: hop.method,
    headers: hop.headers,
    body: hop.body ?? null,
    signal: hop.signal,
  };
  if (hop.idleTimeoutMs !== undefined) {
    options.headersTimeout = hop.idleTimeoutMs;
    options.bodyTimeout = hop.idleTimeoutMs;
  }
  return hop.agent.request(options);
}
