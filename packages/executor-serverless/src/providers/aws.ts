import type * as Lambda from '@aws-sdk/client-lambda';
import { formatDuration, NotFoundError, UnavailableError, ValidationError } from '@ubom/core';
import { ClientCache, cacheKey, TtlCache } from '../cache';
import type { AwsConfig } from '../config';
import { loadOptional } from '../lazy';
import { excerpt, type InvokeOutcome, parseBody } from '../result';
import { parseTailLogs } from './aws-logs';
import { type InvokeRequest, type ProviderDriver, remaining } from './types';

type LambdaSdk = typeof Lambda;
const SDK = '@aws-sdk/client-lambda';
const scope = 'serverless';
const FUNCTION_INFO_TTL_MS = 5 * 60_000;
const INVOCATION_TYPES = { sync: 'RequestResponse', async: 'Event', dry_run: 'DryRun' } as const;

/** The region of the work: `region`, else the one in the ARN, else `AWS_REGION` / `AWS_DEFAULT_REGION`. */
export function resolveRegion(config: AwsConfig): string {
  const fromArn = /^arn:[^:]+:lambda:([^:]+):/.exec(config.function)?.[1];
  const region = config.region ?? fromArn ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw ValidationError.single(
      'executor_config.region',
      'is required: give region, a function ARN or set AWS_REGION',
      {
        scope,
      },
    );
  }
  return region;
}

function clientConfig(config: AwsConfig, region: string): Lambda.LambdaClientConfig {
  const options: Lambda.LambdaClientConfig = {
    region,
    maxAttempts: config.max_attempts ?? 3,
    // no fixed 60 s: each call passes its own requestTimeout, derived from the work's timeout
    requestHandler: { connectionTimeout: 10_000, throwOnRequestTimeout: true },
  };
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
  const options = { scope, cause: error };
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

// parsed configs are shared by works with the same config: hash each one once
const clientKeys = new WeakMap<AwsConfig, string>();
function clientKey(config: AwsConfig, region: string): string {
  let key = clientKeys.get(config);
  if (key === undefined || !key.startsWith(`${region}|`)) {
    key = `${region}|${cacheKey(region, config.endpoint, config.credentials, config.max_attempts)}`;
    clientKeys.set(config, key);
  }
  return key;
}

/** AWS Lambda through `@aws-sdk/client-lambda` `InvokeCommand`. */
export class AwsDriver implements ProviderDriver<AwsConfig> {
  readonly #clients = new ClientCache<Lambda.LambdaClient>((client) => client.destroy());
  readonly #functionTimeouts = new TtlCache<number | undefined>(FUNCTION_INFO_TTL_MS);

  async invoke(request: InvokeRequest<AwsConfig>): Promise<InvokeOutcome> {
    const { config, signal, deadline } = request;
    const sdk = await loadOptional<LambdaSdk>(SDK, 'aws');
    const region = resolveRegion(config);
    const key = clientKey(config, region);
    const client = this.#clients.get(key, () => new sdk.LambdaClient(clientConfig(config, region)));
    const type = config.invocation_type ?? 'sync';
    if (type === 'sync') await this.#refuseLongerFunctions(sdk, client, key, request);

    const body = Buffer.from(JSON.stringify(request.payload === undefined ? {} : request.payload));
    // built by assignment: object spreads cost microseconds on this hot path
    const input: Lambda.InvokeCommandInput = {
      FunctionName: config.function,
      InvocationType: INVOCATION_TYPES[type],
      Payload: body,
    };
    if (type === 'sync') input.LogType = 'Tail';
    if (config.qualifier) input.Qualifier = config.qualifier;
    let out: Lambda.InvokeCommandOutput;
    try {
      out = await client.send(new sdk.InvokeCommand(input), {
        abortSignal: signal,
        requestTimeout: remaining(deadline),
      });
    } catch (error) {
      throw awsError(error, config);
    }
    return this.#outcome(out, body.length, request);
  }

  #outcome(
    out: Lambda.InvokeCommandOutput,
    requestBytes: number,
    request: InvokeRequest<AwsConfig>,
  ): InvokeOutcome {
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    const payload = parseBody(text);
    const metrics: Record<string, unknown> = {
      provider: 'aws',
      requestBytes,
      responseBytes: Buffer.byteLength(text),
    };
    if (out.LogResult) {
      Object.assign(
        metrics,
        parseTailLogs(Buffer.from(out.LogResult, 'base64').toString('utf8'), request.logs),
      );
    }
    const outputs: Record<string, unknown> = { payload, status_code: out.StatusCode };
    if (out.ExecutedVersion !== undefined) outputs.executed_version = out.ExecutedVersion;
    if (request.config.invocation_type === 'dry_run') outputs.dry_run = true;
    const attempts = out.$metadata.attempts ?? 1;
    if (out.FunctionError === undefined) return { ok: true, outputs, metrics, attempts };
    outputs.function_error = out.FunctionError;
    return { ok: false, error: functionErrorMessage(out.FunctionError, payload), outputs, metrics, attempts };
  }

  /** A sync call must not outlive its function: refuse when the function may run longer than our timeout. */
  async #refuseLongerFunctions(
    sdk: LambdaSdk,
    client: Lambda.LambdaClient,
    key: string,
    request: InvokeRequest<AwsConfig>,
  ) {
    const { config, signal, deadline, logs } = request;
    const lookup = async (lookupSignal: AbortSignal): Promise<number | undefined> => {
      try {
        const info = await client.send(
          new sdk.GetFunctionConfigurationCommand({
            FunctionName: config.function,
            ...(config.qualifier ? { Qualifier: config.qualifier } : {}),
          }),
          { abortSignal: lookupSignal, requestTimeout: remaining(deadline) },
        );
        return info.Timeout === undefined ? undefined : info.Timeout * 1000;
      } catch (error) {
        // invoke-only credentials may not read the configuration: then the check is skipped
        if (error instanceof Error && error.name === 'AccessDeniedException') return undefined;
        throw awsError(error, config);
      }
    };
    const functionTimeoutMs = await this.#functionTimeouts.get(
      `${key}|${config.function}|${config.qualifier ?? ''}`,
      lookup,
      signal,
    );
    if (functionTimeoutMs === undefined) {
      logs.add('debug', 'executor', 'could not read the function configuration; its timeout was not checked');
    } else if (functionTimeoutMs > request.timeoutMs) {
      throw ValidationError.single(
        'executor_config.timeout',
        `the function's own timeout is ${formatDuration(functionTimeoutMs)}, longer than this work's ${formatDuration(request.timeoutMs)}: ` +
          `a sync call could be cut off while the function keeps running — use invocation_type "async", or raise timeout to at least ${formatDuration(functionTimeoutMs)}`,
        { scope },
      );
    }
  }

  async close(): Promise<void> {
    this.#functionTimeouts.clear();
    await this.#clients.clear();
  }
}

function functionErrorMessage(kind: string, payload: unknown): string {
  if (payload !== null && typeof payload === 'object') {
    const p = payload as { errorType?: unknown; errorMessage?: unknown };
    if (typeof p.errorMessage === 'string') {
      return `${typeof p.errorType === 'string' ? `${p.errorType}: ` : ''}${p.errorMessage}`;
    }
  }
  return `the function failed (${kind})${payload === null ? '' : `: ${excerpt(payload)}`}`;
}
