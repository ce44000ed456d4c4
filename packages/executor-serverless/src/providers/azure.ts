import type * as AppService from '@azure/arm-appservice';
import type * as Identity from '@azure/identity';
import { NotFoundError, UnavailableError } from '@ubom/core';
import { ClientCache, cacheKey, TtlCache } from '../cache';
import { type AzureConfig, SCOPE as scope } from '../config';
import { invokeHttp } from '../http';
import { loadOptional } from '../lazy';
import type { Outcome } from '../mapping';
import type { InvokeRequest, ProviderDriver } from './types';

type IdentitySdk = typeof Identity;
type AppServiceSdk = typeof AppService;
type Credential =
  | Identity.ClientSecretCredential
  | Identity.ManagedIdentityCredential
  | Identity.DefaultAzureCredential;

const KEY_TTL_MS = 5 * 60_000;

/** The function URL: `endpoint`, else `https://{app}.azurewebsites.net/api/{function}`. */
export const functionUrl = (config: AzureConfig): string =>
  config.endpoint ?? `https://${config.app}.azurewebsites.net/api/${encodeURIComponent(config.function)}`;

function armError(error: unknown, config: AzureConfig): unknown {
  const e = error as { name?: string; statusCode?: number; message?: string };
  const what = `function "${config.function}" of app "${config.app}"`;
  const options = { scope, cause: error };
  if (e.statusCode === 404)
    return new NotFoundError(`Azure ${what} not found (ARM listkeys answered 404)`, options);
  if (
    e.statusCode === 401 ||
    e.statusCode === 403 ||
    /^(Aggregate)?Authentication(Required)?Error$|^CredentialUnavailableError$/.test(e.name ?? '')
  ) {
    return new UnavailableError(
      `Azure refused the credentials while fetching the key of ${what}: ${e.message} — check executor_config.credentials`,
      {
        ...options,
        retryable: false,
      },
    );
  }
  return new UnavailableError(
    `cannot fetch the key of Azure ${what}: ${e.message ?? String(error)}`,
    options,
  );
}

/** Azure Functions HTTP triggers, with a function key given or fetched through ARM `listkeys`. */
export class AzureDriver implements ProviderDriver<AzureConfig> {
  readonly #credentials = new ClientCache<Credential>(() => undefined);
  readonly #arm = new ClientCache<AppService.WebSiteManagementClient>(() => undefined);
  readonly #keys = new TtlCache<string>(KEY_TTL_MS);

  async invoke(request: InvokeRequest<AzureConfig>): Promise<Outcome> {
    const { config } = request;
    const url = functionUrl(config);
    if (config.credentials.type === 'function_key') return this.#call(request, url, config.credentials.key);
    const key = await this.#fetchKey(request);
    try {
      return await this.#call(request, url, key);
    } catch (error) {
      // a cached key may have been rotated: fetch it again once, and retry only if it changed
      if (!(error instanceof UnavailableError) || error.retryable || request.signal.aborted) throw error;
      this.#keys.delete(this.#keyId(config));
      const fresh = await this.#fetchKey(request);
      if (fresh === key) throw error;
      return this.#call(request, url, fresh);
    }
  }

  async #call(request: InvokeRequest<AzureConfig>, url: string, key: string): Promise<Outcome> {
    const { config, signal } = request;
    request.secret(key);
    if (config.invocation_type === 'dry_run' || request.dryRun) {
      return { outputs: { dry_run: true, url }, metrics: { provider: 'azure' } };
    }
    return invokeHttp({
      url,
      method: config.method ?? 'POST',
      headers: { 'x-functions-key': key },
      payload: request.payload,
      signal,
      provider: 'azure',
      trace: request.trace,
      mask: request.mask,
    });
  }

  #keyId(config: AzureConfig): string {
    const { app = '', subscription_id = '', resource_group = '' } = config;
    return cacheKey(
      config.credentials,
      config.api_endpoint,
      subscription_id,
      resource_group,
      app,
      config.function,
    );
  }

  #fetchKey(request: InvokeRequest<AzureConfig>): Promise<string> {
    const { config, signal } = request;
    const { app = '', subscription_id = '', resource_group = '' } = config;
    return this.#keys.get(
      this.#keyId(config),
      async (lookupSignal) => {
        const [identity, appService] = await Promise.all([
          loadOptional<IdentitySdk>('@azure/identity', 'azure'),
          loadOptional<AppServiceSdk>('@azure/arm-appservice', 'azure'),
        ]);
        const credential = this.#credentials.get(cacheKey(config.credentials), () =>
          createCredential(identity, config),
        );
        const client = this.#arm.get(
          cacheKey(config.credentials, config.api_endpoint, subscription_id),
          () =>
            new appService.WebSiteManagementClient(credential, subscription_id, {
              ...(config.api_endpoint ? { endpoint: config.api_endpoint } : {}),
            }),
        );
        let keys: AppService.StringDictionary;
        try {
          keys = await client.webApps.listFunctionKeys(resource_group, app, config.function, {
            abortSignal: lookupSignal,
          });
        } catch (error) {
          throw lookupSignal.aborted ? error : armError(error, config);
        }
        const properties = keys.properties ?? {};
        const key = properties.default ?? Object.values(properties)[0];
        if (!key)
          throw new NotFoundError(
            `Azure function "${config.function}" of app "${app}" has no function keys`,
            {
              scope,
            },
          );
        return key;
      },
      signal,
    );
  }

  async close(): Promise<void> {
    this.#keys.clear();
    await Promise.all([this.#arm.clear(), this.#credentials.clear()]);
  }
}

function createCredential(sdk: IdentitySdk, config: AzureConfig): Credential {
  const c = config.credentials;
  switch (c.type) {
    case 'client_secret':
      return new sdk.ClientSecretCredential(
        c.tenant_id,
        c.client_id,
        c.client_secret,
        c.authority_host ? { authorityHost: c.authority_host, disableInstanceDiscovery: true } : {},
      );
    case 'managed_identity':
      return c.client_id
        ? new sdk.ManagedIdentityCredential({ clientId: c.client_id })
        : new sdk.ManagedIdentityCredential();
    default:
      return new sdk.DefaultAzureCredential();
  }
}
