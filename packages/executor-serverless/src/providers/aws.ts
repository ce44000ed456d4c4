import type * as Lambda from '@aws-sdk/client-lambda';
import { formatDuration, NotFoundError, UnavailableError, ValidationError } from '@ubom/core';
import { ClientCache, cacheKey, TtlCache } from '../cache';
import { type AwsConfig, awsRegion, SCOPE } from '../config';
import { loadOptional } from '../lazy';
import { lambdaOutcome, type Outcome } from '../mapping';
import { lambdaClientContext } from '../telemetry';
import type { InvokeRequest, ProviderDriver } from './types';

type LambdaSdk = typeof Lambda;
const SDK = '@aws-sdk/client-lambda';
const FUNCTION_INFO_TTL_MS = 5 * 60_000;
const INVOCATION_TYPES = { async: 'Event', dry_run: 'DryRun' } as const;

/** The region of the work (see `awsRegion`); `validate` already refused a work without one. */
export function resolveRegion(config: AwsConfig): string {
  const region = awsRegion(config);
  if (region) return region;
  throw ValidationError.single(
    'executor_config.region',
    'is required: give region, a function ARN or set AWS_REGION',
    { scope: SCOPE },
  );
}

function clientConfig(config: AwsConfig, region: string): Lambda.LambdaClientConfig {
  const options: Lambda.LambdaClientConfig = {
    region,
    // no request timeout: the work's signal ends the call when its timeout passes or it is cancelled
    requestHandler: { connectionTimeout: 10_000 },
  };
  if (config.max_attempts !== undefined) options.maxAttempts = config.max_attempts;
  if (config.endpoint) options.endpoint = config.endpoint;
  const credentials = config.credentials;
  if (credentials?.type === 'aws_iam') {
    options.credentials = {
      accessKeyId: credentials.access_key,
      secretAccessKey: credentials.secret_key,
      ...(credentials.session_token ? { sessionToken: credentials.session_token } : {}),
    };
  } else if (credentials?.type === 'profile') options.profile = credentials.profile;
  return options;
}

type SdkError = Error & {
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  code?: string;
};

/** An SDK failure as the UBOM error a caller can act on. */
export function awsError(error: unknown, config: AwsConfig): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as SdkError;
  const fn = `"${config.function}"${config.qualifier ? ` (qualifier ${config.qualifier})` : ''}`;
  const options = { scope: SCOPE, cause: error };
  switch (e.name) {
    case 'ResourceNotFoundException':
      return new NotFoundError(`Lambda function ${fn} not found: ${e.message}`, options);
    case 'TooManyRequestsException':
      return new UnavailableError(
        `Lambda throttled the call to ${fn} after ${e.$metadata?.attempts ?? 1} attempts: ${e.message}`,
        options,
      );
    case 'InvalidRequestContentException':
    case 'RequestTooLargeException':
      return ValidationError.single(
        'executor_config.payload',
        `Lambda refused the payload: ${e.message}`,
        options,
      );
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'AccessDeniedException':
    case 'ExpiredTokenException':
    case 'CredentialsProviderError':
      return new UnavailableError(
        `Lambda refused the credentials (${e.name}): ${e.message} — check executor_config.credentials`,
        {
          ...options,
          retryable: false,
        },
      );
  }
  if (e.$fault === undefined) {
    return new UnavailableError(
      `cannot reach Lambda${config.endpoint ? ` at ${config.endpoint}` : ''}: ${e.message}`,
      options,
    );
  }
  return new UnavailableError(`Lambda call to ${fn} failed (${e.name}): ${e.message}`, {
    ...options,
    retryable: e.$fault === 'server',
  });
}

/** AWS Lambda through `@aws-sdk/client-lambda` `InvokeCommand`. */
export class AwsDriver implements ProviderDriver<AwsConfig> {
  readonly #clients = new ClientCache<Lambda.LambdaClient>((client) => client.destroy());
  readonly #functionTimeouts = new TtlCache<number | undefined>(FUNCTION_INFO_TTL_MS);

  async invoke(request: InvokeRequest<AwsConfig>): Promise<Outcome> {
    const { config, signal } = request;
    const sdk = await loadOptional<LambdaSdk>(SDK, 'aws');
    const region = resolveRegion(config);
    const key = cacheKey(region, config.endpoint, config.credentials, config.max_attempts);
    const client = this.#clients.get(key, () => new sdk.LambdaClient(clientConfig(config, region)));
    const notes: Record<string, unknown> = {};
    if ((config.invocation_type ?? 'sync') === 'sync' && request.limit)
      await this.#checkFunctionTimeout(sdk, client, key, request, notes);

    const type = request.dryRun ? 'dry_run' : (config.invocation_type ?? 'sync');
    const body = Buffer.from(JSON.stringify(request.payload === undefined ? {} : request.payload));
    const input: Lambda.InvokeCommandInput = { FunctionName: config.function, Payload: body };
    // RequestResponse is Lambda's default: a sync call sends the same request as a plain InvokeCommand
    if (type === 'sync') input.LogType = 'Tail';
    else input.InvocationType = INVOCATION_TYPES[type];
    if (config.qualifier) input.Qualifier = config.qualifier;
    const clientContext = lambdaClientContext(request.trace);
    if (clientContext && type !== 'dry_run') input.ClientContext = clientContext;
    let out: Lambda.InvokeCommandOutput;
    try {
      out = await client.send(new sdk.InvokeCommand(input), { abortSignal: signal });
    } catch (error) {
      // timed out, cancelled or shut down: the kernel decides which; what is known goes with it
      if (signal.aborted) return { success: false, outputs: notes, metrics: { provider: 'aws' } };
      throw awsError(error, config);
    }
    const outcome = lambdaOutcome(out, body.length, request.log, request.mask);
    Object.assign(outcome.outputs, notes);
    if (type === 'dry_run') outcome.outputs.dry_run = true;
    return outcome;
  }

  /**
   * A sync call is cut off when the work's time is up, while the function may run on: when the
   * function's own timeout (`GetFunctionConfiguration`, cached 5 min) is longer, warn and say so in
   * `outputs.function_timeout_ms`, or refuse with `refuse_longer_functions`.
   */
  async #checkFunctionTimeout(
    sdk: LambdaSdk,
    client: Lambda.LambdaClient,
    key: string,
    request: InvokeRequest<AwsConfig>,
    notes: Record<string, unknown>,
  ): Promise<void> {
    const { config, signal, limit } = request;
    if (!limit) return;
    const lookup = async (lookupSignal: AbortSignal): Promise<number | undefined> => {
      const input: Lambda.GetFunctionConfigurationCommandInput = { FunctionName: config.function };
      if (config.qualifier) input.Qualifier = config.qualifier;
      try {
        const info = await client.send(new sdk.GetFunctionConfigurationCommand(input), {
          abortSignal: lookupSignal,
        });
        return info.Timeout === undefined ? undefined : info.Timeout * 1000;
      } catch (error) {
        // invoke-only credentials may not read the configuration: then the check is skipped
        if (error instanceof Error && error.name === 'AccessDeniedException') return undefined;
        throw awsError(error, config);
      }
    };
    const id = `${key}|${config.function}|${config.qualifier ?? ''}`;
    const functionMs = await this.#functionTimeouts.get(id, lookup, signal);
    if (functionMs === undefined) {
      request.log('debug', 'could not read the function configuration; its timeout was not checked');
      return;
    }
    if (functionMs <= limit.ms) return;
    const message =
      `the function's own timeout is ${formatDuration(functionMs)}, longer than this work's ` +
      `${formatDuration(limit.ms)} (${limit.path}): a sync call cut off then leaves the function running`;
    if (config.refuse_longer_functions) {
      const hint = ` — use invocation_type "async", or raise the timeout to at least ${formatDuration(functionMs)}`;
      throw ValidationError.single(limit.path, `${message}${hint}`, { scope: SCOPE });
    }
    request.log('warn', message);
    notes.function_timeout_ms = functionMs;
  }

  async close(): Promise<void> {
    this.#functionTimeouts.clear();
    await this.#clients.clear();
  }
}
