import { defineExecutor, parseDuration, parseSize, type RunOutcome, ValidationError } from '@ubom/core';
import { version } from '../package.json';
import { readBody, writeBodyToFile } from './body';
import { HttpClients } from './clients';
import { httpConfigSchema, SCOPE } from './config';
import { dryRun } from './dry-run';
import { type Answer, type ExchangeArgs, exchange } from './exchange';
import { isAbort, networkError, WorkFailure } from './failure';
import { baseOutputs, metricsOf, toOutcome } from './mapping';
import { httpPluginConfigSchema } from './plugin-config';
import { planRequest } from './request';
import { isSuccess } from './status';
import { recordResponse, requestAttributes, withTraceHeaders } from './telemetry';
import { INSECURE_WARNING, resolveTls } from './tls';
import { crossFieldIssues } from './validate';

export const HTTP_WORK_TYPE = 'http';

const bodyBytes = (body: Buffer | string | undefined): number =>
  body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;

/** Reads the final response into the outcome: in memory (bounded), or streamed to `output_file`. */
async function finish(answer: Answer, x: ExchangeArgs, requestBytes: number): Promise<RunOutcome> {
  const { config, signal } = x;
  const { response } = answer;
  try {
    if (config.output_file !== undefined && isSuccess(response.statusCode, config.success_status)) {
      const written = await writeBodyToFile(response.body, config.output_file, signal).catch(
        (error: unknown) => {
          const code = (error as NodeJS.ErrnoException).code;
          if (typeof code === 'string' && code.startsWith('E') && !code.startsWith('ECONN'))
            throw ValidationError.single('executor_config.output_file', `cannot be written (${code})`, {
              scope: SCOPE,
            });
          throw error;
        },
      );
      const outputs = baseOutputs(answer);
      outputs.output_file = config.output_file;
      outputs.body_bytes = written;
      return { outputs, metrics: metricsOf(answer, requestBytes, written) };
    }
    const limit = parseSize(config.max_response_bytes) ?? 0;
    const status = response.statusCode;
    const read = await readBody(
      response,
      limit,
      answer.method === 'HEAD' || status === 204 || status === 304,
    );
    return toOutcome(answer, read, config, requestBytes, limit, (note) => x.log('warn', note), x.mask);
  } catch (error) {
    if (isAbort(error, signal) || error instanceof ValidationError) throw error;
    throw networkError(`reading the response of ${answer.method} ${answer.href}`, error);
  }
}

async function perform(x: ExchangeArgs): Promise<RunOutcome> {
  const done = x.clients.started();
  try {
    const answer = await exchange(x);
    return await finish(answer, x, bodyBytes(x.plan.body));
  } catch (error) {
    if (error instanceof WorkFailure && !x.signal.aborted)
      return { success: false, error: error.message, ...(error.outputs ? { outputs: error.outputs } : {}) };
    throw error;
  } finally {
    done();
  }
}

/**
 * Calls an HTTP endpoint: auth (basic, bearer, API key, OAuth2 client credentials), TLS, retries,
 * redirects, a bounded response mapped to outputs. Connections are pooled per origin across works.
 */
export const createPlugin = defineExecutor({
  name: '@ubom/executor-http',
  version,
  type: HTTP_WORK_TYPE,
  scope: SCOPE,
  description: 'Calls HTTP endpoints: auth, TLS, retries, redirects and response mapping',
  homepage: 'https://github.com/ubom/ubom/tree/main/packages/executor-http',
  config: httpConfigSchema,
  pluginConfig: httpPluginConfigSchema,
  setup: ({ config }) => new HttpClients(config),
  teardown: (clients) => clients.close(),
  validate: ({ config }) => crossFieldIssues(config),

  /** Resolves the host (and the token endpoint's), connects with the work's TLS settings, sends nothing. */
  dryRun: ({ config, signal, timeoutMs }) => dryRun(config, signal, timeoutMs),

  async run({ config, work, state, signal, timeoutMs, log, secret, mask, span, traceCarrier }) {
    const tls = config.tls ? await resolveTls(config.tls) : undefined;
    if (tls?.insecure) log('warn', INSECURE_WARNING);
    // with a deadline (the work's or the kernel's) that governs; without, undici's 300 s idle limits stay
    const deadline = timeoutMs ?? (work.timeout === undefined ? undefined : parseDuration(work.timeout));
    const plan = planRequest(config, state.userAgent);
    return span(plan.method, requestAttributes(plan.method, plan.url), async (s) => {
      withTraceHeaders(plan.headers, traceCarrier());
      const outcome = await perform({
        config,
        plan,
        clients: state,
        tls,
        signal,
        idleTimeoutMs: deadline === undefined ? undefined : 0,
        log,
        secret,
        mask,
      });
      recordResponse(s, outcome);
      return outcome;
    });
  },
});

/** The plugin `createPlugin()` makes (a `KernelPlugin`; `plugin.state` is its `HttpClients`). */
export type HttpExecutor = ReturnType<typeof createPlugin>;

/** The JSON Schema of `executor_config` (draft 2020-12, the kernel's `timeout` included): `getSchema().config`. */
export const httpConfigJsonSchema = createPlugin().getSchema().config;
