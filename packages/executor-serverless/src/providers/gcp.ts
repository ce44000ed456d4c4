import type * as Functions from '@google-cloud/functions';
import { formatDuration, NotFoundError, UnavailableError, ValidationError } from '@ubom/core';
import type * as Auth from 'google-auth-library';
import { ClientCache, cacheKey, TtlCache } from '../cache';
import { type GcpConfig, SCOPE as scope } from '../config';
import { invokeHttp } from '../http';
import { loadOptional } from '../lazy';
import type { Outcome } from '../mapping';
import { type InvokeRequest, type ProviderDriver, raceSignal } from './types';

type AuthSdk = typeof Auth;
type FunctionsSdk = typeof Functions;
type FunctionClient = Functions.v2.FunctionServiceClient;
type GcpFunction = Functions.protos.google.cloud.functions.v2.IFunction;
interface Target {
  url: string;
  timeoutMs: number | undefined;
}

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const FUNCTION_INFO_TTL_MS = 5 * 60_000;
// gRPC status codes as google-gax reports them
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

function serviceAccountKey(config: GcpConfig): Record<string, unknown> | undefined {
  if (config.credentials?.type !== 'service_account') return undefined;
  let key: unknown;
  try {
    key = JSON.parse(config.credentials.key);
  } catch {
    key = undefined; // JSON.parse errors quote the text: never show them
  }
  const k = key as Record<string, unknown> | undefined;
  if (!k || typeof k.client_email !== 'string' || typeof k.private_key !== 'string') {
    throw ValidationError.single(
      'executor_config.credentials.key',
      'must be a service-account key file (JSON with client_email and private_key)',
      { scope },
    );
  }
  return k;
}

/** The function's full resource name: `projects/P/locations/L/functions/F`. */
export function functionName(config: GcpConfig): string {
  if (config.function.startsWith('projects/')) return config.function;
  return `projects/${config.project}/locations/${config.region}/functions/${config.function}`;
}

function gaxError(error: unknown, name: string): unknown {
  // a GoogleError carries a gRPC code; when gax's HTTP layer throws first, a GaxiosError carries the status
  const e = error as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  const status = e.status ?? e.response?.status;
  const fromStatus: Record<number, number> = { 404: NOT_FOUND, 403: PERMISSION_DENIED, 401: UNAUTHENTICATED };
  const code = status === undefined ? e.code : fromStatus[Number(status)];
  const message = error instanceof Error ? error.message : String(error);
  const options = { scope, cause: error };
  if (code === NOT_FOUND) return new NotFoundError(`Cloud Function ${name} not found: ${message}`, options);
  if (code === PERMISSION_DENIED || code === UNAUTHENTICATED) {
    return new UnavailableError(`the Cloud Functions API refused the credentials: ${message}`, {
      ...options,
      retryable: false,
    });
  }
  return new UnavailableError(`cannot look up Cloud Function ${name}: ${message}`, options);
}

/** Google Cloud Functions (gen2 / Cloud Run functions) over HTTPS with an ID token. */
export class GcpDriver implements ProviderDriver<GcpConfig> {
  readonly #auths = new ClientCache<Auth.GoogleAuth | Auth.PassThroughClient>(() => undefined);
  readonly #idClients = new ClientCache<Promise<Auth.IdTokenClient>>(() => undefined, 256);
  readonly #functionClients = new ClientCache<FunctionClient>((client) => client.close());
  readonly #targets = new TtlCache<Target>(FUNCTION_INFO_TTL_MS);

  async invoke(request: InvokeRequest<GcpConfig>): Promise<Outcome> {
    const { config, signal, limit } = request;
    const target = config.endpoint
      ? { url: config.endpoint, timeoutMs: undefined }
      : await this.#resolve(request);
    const functionMs = target.timeoutMs;
    const longer = limit !== undefined && functionMs !== undefined && functionMs > limit.ms;
    if (longer) {
      // no async mode to suggest: the call is made, and cut off at the work's timeout
      request.log(
        'warn',
        `the function's own timeout is ${formatDuration(functionMs)}, longer than this work's ${formatDuration(limit.ms)} (${limit.path}): ` +
          'the call is cut off at the work timeout while the function may keep running',
      );
    }
    const headers = await this.#authorization(request, target.url);
    if (config.invocation_type === 'dry_run' || request.dryRun) {
      return { outputs: { dry_run: true, url: target.url }, metrics: { provider: 'gcp' } };
    }
    const known: Record<string, unknown> = longer ? { function_timeout_ms: functionMs } : {};
    try {
      const outcome = await invokeHttp({
        url: target.url,
        method: config.method ?? 'POST',
        headers,
        payload: request.payload,
        signal,
        provider: 'gcp',
        trace: request.trace,
        mask: request.mask,
      });
      Object.assign(outcome.outputs, known);
      return outcome;
    } catch (error) {
      // timed out, cancelled or shut down: the kernel decides which; what is known goes with it
      if (signal.aborted) return { success: false, outputs: known, metrics: { provider: 'gcp' } };
      throw error;
    }
  }

  /** An ID token for the function URL's audience (none for `credentials.type: none`). */
  async #authorization(request: InvokeRequest<GcpConfig>, url: string): Promise<Record<string, string>> {
    const { config, signal } = request;
    if (config.credentials?.type === 'none') return {};
    const sdk = await loadOptional<AuthSdk>('google-auth-library', 'gcp');
    const audience = config.audience ?? new URL(url).origin;
    const key = cacheKey(config.credentials, audience);
    const idClient = this.#idClients.get(key, () => {
      const auth = this.#auth(sdk, config) as Auth.GoogleAuth;
      return auth.getIdTokenClient(audience);
    });
    try {
      const client = await raceSignal(idClient, signal);
      const headers = (await raceSignal(client.getRequestHeaders(url), signal)) as
        | Headers
        | Record<string, string>;
      const value =
        headers instanceof Headers
          ? headers.get('authorization')
          : (headers.Authorization ?? headers.authorization);
      if (!value) return {};
      request.secret(value.replace(/^Bearer /i, ''));
      return { authorization: value };
    } catch (error) {
      if (signal.aborted) throw error;
      this.#idClients.delete(key);
      throw new UnavailableError(`cannot get an ID token for ${audience}: ${(error as Error).message}`, {
        scope,
        cause: error,
        retryable: false,
      });
    }
  }

  #auth(sdk: AuthSdk, config: GcpConfig): Auth.GoogleAuth | Auth.PassThroughClient {
    return this.#auths.get(cacheKey(config.credentials), () => {
      if (config.credentials?.type === 'none') return new sdk.PassThroughClient();
      const credentials = serviceAccountKey(config);
      return new sdk.GoogleAuth({ scopes: [CLOUD_PLATFORM], ...(credentials ? { credentials } : {}) });
    });
  }

  /** The function URL (and its own timeout) through `getFunction`, cached for 5 minutes. */
  #resolve(request: InvokeRequest<GcpConfig>): Promise<Target> {
    const { config, signal } = request;
    const name = functionName(config);
    return this.#targets.get(
      cacheKey(config.credentials, config.api_endpoint, name),
      async (lookupSignal) => {
        const [authSdk, sdk] = await Promise.all([
          loadOptional<AuthSdk>('google-auth-library', 'gcp'),
          loadOptional<FunctionsSdk>('@google-cloud/functions', 'gcp'),
        ]);
        const client = this.#functionClients.get(cacheKey(config.credentials, config.api_endpoint), () => {
          const auth = this.#auth(authSdk, config);
          // our google-auth-library copy may differ from the one google-gax pins: the types clash, the objects work
          const options = {
            fallback: true,
            ...(auth instanceof authSdk.PassThroughClient ? { authClient: auth } : { auth }),
          } as unknown as NonNullable<ConstructorParameters<typeof sdk.v2.FunctionServiceClient>[0]>;
          if (config.api_endpoint) {
            const api = new URL(config.api_endpoint);
            const https = api.protocol === 'https:';
            Object.assign(options, {
              apiEndpoint: api.hostname,
              port: Number(api.port || (https ? 443 : 80)),
              protocol: https ? 'https' : 'http',
            });
          }
          return new sdk.v2.FunctionServiceClient(options);
        });
        const call = client.getFunction({ name }) as Promise<[GcpFunction, unknown, unknown]> & {
          cancel?: () => void;
        };
        let fn: GcpFunction;
        try {
          [fn] = await raceSignal(call, lookupSignal, () => call.cancel?.());
        } catch (error) {
          throw lookupSignal.aborted ? error : gaxError(error, name);
        }
        const url = fn.url ?? fn.serviceConfig?.uri;
        if (!url)
          throw new UnavailableError(`Cloud Function ${name} has no URL (is it an HTTP function?)`, {
            scope,
            retryable: false,
          });
        if (fn.state !== undefined && fn.state !== null && fn.state !== 'ACTIVE' && fn.state !== 1) {
          throw new UnavailableError(`Cloud Function ${name} is not active (state ${String(fn.state)})`, {
            scope,
          });
        }
        const seconds = Number(fn.serviceConfig?.timeoutSeconds ?? Number.NaN);
        return { url, timeoutMs: Number.isFinite(seconds) ? seconds * 1000 : undefined };
      },
      signal,
    );
  }

  async close(): Promise<void> {
    this.#targets.clear();
    await Promise.all([this.#functionClients.clear(), this.#idClients.clear(), this.#auths.clear()]);
  }
}
