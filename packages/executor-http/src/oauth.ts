import { createHash } from 'node:crypto';
import { LruCache } from '@ubom/core';
import type { OAuthConfig } from './config-auth';
import { WorkFailure } from './failure';

/** A fetched access token; `expiresAt` (ms epoch) is when it stops being reused. */
export interface Token {
  value: string;
  expiresAt: number | undefined;
}

/** Sends the token request; resolves with the status and the body text (bounded). */
export type PostForm = (
  url: string,
  headers: Record<string, string>,
  form: string,
) => Promise<{
  status: number;
  text: string;
}>;

/** A token is dropped this long before it expires, so it is not refused in flight. */
const EXPIRY_MARGIN_MS = 30_000;
const MAX_TOKENS = 256;

/**
 * Access tokens by client (token URL, id, secret, scope, audience): shared by the works of a plugin,
 * reused until they expire, one fetch at a time per client.
 */
export class TokenCache {
  readonly #tokens = new LruCache<string, Token>(MAX_TOKENS);
  readonly #pending = new Map<string, Promise<Token>>();

  /**
   * The cached token, or a new one from `fetch`. `stale` is a token the resource server refused (a
   * 401): it is dropped and a new one fetched, unless another work has already replaced it.
   */
  async get(
    auth: OAuthConfig,
    fetch: () => Promise<Token>,
    stale?: string,
  ): Promise<{ token: Token; fetched: boolean }> {
    const key = cacheKey(auth);
    const cached = this.#tokens.get(key);
    if (cached && cached.value !== stale && (cached.expiresAt === undefined || cached.expiresAt > Date.now()))
      return { token: cached, fetched: false };
    let pending = this.#pending.get(key);
    const fetched = pending === undefined;
    if (!pending) {
      pending = fetch().then(
        (token) => {
          this.#tokens.set(key, token);
          return token;
        },
        (error: unknown) => {
          this.#tokens.delete(key);
          throw error;
        },
      );
      pending.then(
        () => this.#pending.delete(key),
        () => this.#pending.delete(key),
      );
      this.#pending.set(key, pending);
    }
    return { token: await pending, fetched };
  }

  clear(): void {
    this.#tokens.clear();
  }
}

function cacheKey(auth: OAuthConfig): string {
  const hash = createHash('sha256');
  for (const part of [
    auth.token_url,
    auth.client_id,
    auth.client_secret,
    auth.scope,
    auth.audience,
    auth.client_auth,
  ])
    hash.update(part ?? '-').update('\0');
  return hash.digest('hex');
}

/** RFC 6749 §2.3.1: id and secret form-encoded, then joined and base64-encoded. */
export function clientBasic(auth: OAuthConfig): string {
  const form = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${form(auth.client_id)}:${form(auth.client_secret)}`).toString('base64')}`;
}

/**
 * Fetches a token with the client credentials grant (RFC 6749 §4.4). `secret` registers the derived
 * values (the client's Basic header, the token) before anything can print them.
 */
export async function fetchToken(
  auth: OAuthConfig,
  post: PostForm,
  secret: (v: string) => void,
): Promise<Token> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scope) form.set('scope', auth.scope);
  if (auth.audience) form.set('audience', auth.audience);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (auth.client_auth === 'basic') {
    const basic = clientBasic(auth);
    secret(basic);
    secret(basic.slice('Basic '.length));
    headers.authorization = basic;
  } else {
    form.set('client_id', auth.client_id);
    form.set('client_secret', auth.client_secret);
  }
  const started = Date.now();
  const { status, text } = await post(auth.token_url, headers, form.toString());
  let answer: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) answer = parsed as Record<string, unknown>;
  } catch {
    // reported below with the body's first characters
  }
  const token = answer?.access_token;
  if (typeof token === 'string' && token.length > 0) secret(token);
  if (status !== 200 || typeof token !== 'string' || token.length === 0) {
    const why =
      typeof answer?.error === 'string'
        ? `${answer.error}${typeof answer.error_description === 'string' ? `: ${answer.error_description}` : ''}`
        : text.slice(0, 200).trim() || '(empty body)';
    throw new WorkFailure(`the OAuth2 token request to ${auth.token_url} failed with HTTP ${status}: ${why}`);
  }
  const type = answer?.token_type;
  if (typeof type === 'string' && type.toLowerCase() !== 'bearer')
    throw new WorkFailure(
      `the OAuth2 token endpoint ${auth.token_url} returned a "${type}" token: only bearer tokens are supported`,
    );
  const expiresIn = Number(answer?.expires_in);
  const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : undefined;
  return {
    value: token,
    // a short-lived token keeps the last tenth of its life as margin, a long one 30 s
    expiresAt:
      lifetime === undefined ? undefined : started + lifetime - Math.min(EXPIRY_MARGIN_MS, lifetime / 10),
  };
}
