import { z } from 'zod';
import {
  BasePlugin,
  type ExecuteOptions,
  type JSONSchema,
  MetricsClock,
  type PluginInfo,
  type Work,
  type WorkContext,
  type WorkMetadata,
  type WorkResult,
  type WorkSchema,
  workResult,
} from '../src';

/** A docker-like `executor_config`, defined once with zod 4 the way built-in executors do it. */
export const dockerConfig = z
  .object({
    image: z.string().min(1),
    command: z.union([z.string(), z.array(z.string())]).optional(),
    restart: z.enum(['always', 'never', 'on-failure']).optional(),
    resources: z
      .object({
        memory_limit: z
          .string()
          .regex(/^[0-9]+[kmg]$/)
          .meta({ examples: ['512m', '1g'] }),
        cpu_limit: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    ports: z
      .array(z.object({ container: z.number().int(), host: z.number().int().optional() }).strict())
      .optional(),
    environment: z.record(z.string(), z.string()).optional(),
    auth: z
      .discriminatedUnion('kind', [
        z
          .object({
            kind: z.literal('basic'),
            username: z.string(),
            password: z.string().meta({ writeOnly: true }),
          })
          .strict(),
        z.object({ kind: z.literal('token'), token: z.string().meta({ writeOnly: true }) }).strict(),
      ])
      .optional(),
    registry_password: z.string().meta({ writeOnly: true }).optional(),
  })
  .strict();

export type DockerConfig = z.infer<typeof dockerConfig>;

export const dockerJsonSchema = z.toJSONSchema(dockerConfig, { target: 'draft-2020-12' }) as JSONSchema;

export const dockerSchema: WorkSchema = { type: 'docker', version: '1.0.0', config: dockerJsonSchema };

export const validDockerWork = (config: Partial<DockerConfig> = {}): Work => ({
  id: 'w-1',
  type: 'docker',
  name: 'hello',
  executor_config: { image: 'busybox:latest', command: ['echo', 'hi'], ...config },
  timeout: '30s',
  labels: { team: 'core' },
});

export const info = (name = 'fake'): PluginInfo => ({ name, version: '1.0.0', apiVersion: 1 });

export const metadata = (name = 'fake'): WorkMetadata => ({
  name,
  description: 'a fake executor for tests',
  version: '1.0.0',
  capabilities: { cancel: true, streamLogs: true, dryRun: false },
});

export type RunFn = (work: Work, workContext: WorkContext, options: ExecuteOptions) => Promise<WorkResult>;
export type ValidateFn = (work: Work) => void | Promise<void>;

/** A fake executor: the registry is what is under test, the executor only plays its part. */
export class FakeExecutor extends BasePlugin {
  readonly calls = { validate: 0, execute: 0 };
  readonly #run: RunFn;
  readonly #validate: ValidateFn | undefined;

  constructor(options: { schema?: WorkSchema; name?: string; run?: RunFn; validate?: ValidateFn } = {}) {
    super(info(options.name), metadata(options.name), options.schema ?? dockerSchema);
    this.#run = options.run ?? (async () => succeeded());
    this.#validate = options.validate;
  }

  override validate(work: Work): void | Promise<void> {
    this.calls.validate++;
    return this.#validate?.(work);
  }

  execute(work: Work, workContext: WorkContext, options: ExecuteOptions = {}): Promise<WorkResult> {
    this.calls.execute++;
    return this.#run(work, workContext, options);
  }
}

export const succeeded = (outputs: Record<string, unknown> = {}): WorkResult =>
  workResult({ success: true, outputs, metrics: new MetricsClock().finish() });

/** Resolves once `signal` aborts (immediately when it already has). */
export const aborted = (signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

export const never = <T>(): Promise<T> => new Promise<T>(() => {});

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Catches the rejection of `promise` (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

/** Catches what `fn` throws (fails when it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, it returned');
}
