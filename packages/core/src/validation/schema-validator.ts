import type AjvDraft07 from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { ValidationError, type ValidationIssue } from '../errors';
import { compileSecretExtractor, type SecretExtractor } from '../secrets/secret-plan';
import type { JSONSchema, Work, WorkSchema, WorkType } from '../types';
import { DURATION_PATTERN, durationProblem, MAX_DURATION_MS, parseDuration } from '../util/duration';
import { createAjv, createAjvDraft07 } from './ajv';
import { boundsIssues } from './bounds';
import { withDiscriminators } from './discriminators';
import { type SecretTest, toIssues } from './issues';
import { mergeNearMisses } from './near-miss';
import { suggest } from './suggest';

/** The envelope every work shares; `executor_config` and `inputs` are checked by the type's own schema. */
const WORK_SCHEMA = {
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    executor_config: { type: 'object' },
    inputs: { type: 'object' },
    timeout: {
      anyOf: [
        { type: 'string', pattern: DURATION_PATTERN, examples: ['30s', '1m30s', '500ms'] },
        { type: 'number', minimum: 0 },
      ],
    },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['id', 'type', 'executor_config'],
  additionalProperties: false,
} as const;

interface Compiled {
  schema: WorkSchema;
  config: ValidateFunction;
  inputs: ValidateFunction | undefined;
  /** Lists a config's secret values, so that no message shows one (also through `$ref`). */
  secrets: SecretExtractor | undefined;
  inputSecrets: SecretExtractor | undefined;
}

/** Secret values of `config` as a test for issue messages; `undefined` when it holds none. */
function secretTest(extract: SecretExtractor | undefined, value: unknown): SecretTest | undefined {
  const values = extract?.(value);
  if (!values || values.length === 0) return undefined;
  const set = new Set(values);
  return (value) =>
    (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') &&
    set.has(String(value));
}

/** Secret values of a work, by where they sit. */
export interface SecretValues {
  readonly config: readonly string[];
  readonly inputs: readonly string[];
}

const NO_SECRETS: SecretValues = Object.freeze({ config: Object.freeze([]), inputs: Object.freeze([]) });

/** Hand-written plugin schemas often still declare draft-07 (or 06): those get ajv's draft-07 build. */
const OLDER_DRAFT = /^https?:\/\/json-schema\.org\/draft-0[67]\/schema#?$/;

/** Validates works against JSON Schemas registered per work type. Each schema is compiled once. */
export class SchemaValidator {
  // created on first use (see ./ajv): constructing a validator costs nothing until it validates
  #ajv2020: Ajv2020 | undefined;
  #ajv07: AjvDraft07 | undefined;
  #envelopeCheck: ValidateFunction | undefined;

  get #ajv(): Ajv2020 {
    this.#ajv2020 ??= createAjv();
    return this.#ajv2020;
  }

  get #envelope(): ValidateFunction {
    this.#envelopeCheck ??= this.#ajv.compile(WORK_SCHEMA);
    return this.#envelopeCheck;
  }
  readonly #types = new Map<WorkType, Compiled>();

  /** Registers (or replaces) the schema of a work type; throws `ValidationError` when it does not compile. */
  registerSchema(type: WorkType, schema: WorkSchema): void {
    try {
      this.#types.set(type, {
        schema,
        config: this.#compile(schema.config),
        inputs: schema.inputs === undefined ? undefined : this.#compile(schema.inputs),
        secrets: compileSecretExtractor(schema.config),
        inputSecrets: compileSecretExtractor(schema.inputs),
      });
    } catch (cause) {
      throw ValidationError.single(
        `schema(${type})`,
        `does not compile as JSON Schema: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }

  hasSchema(type: WorkType): boolean {
    return this.#types.has(type);
  }

  getSchema(type: WorkType): WorkSchema | undefined {
    return this.#types.get(type)?.schema;
  }

  /**
   * The secret values (schema `writeOnly`, also through `$ref`) a work of a registered type holds in
   * `executor_config` and in `inputs`. Allocates nothing for a type whose schema marks no secret.
   */
  secretValues(work: Pick<Work, 'type' | 'executor_config' | 'inputs'>): SecretValues {
    const compiled = this.#types.get(work.type);
    if (!compiled || (!compiled.secrets && !compiled.inputSecrets)) return NO_SECRETS;
    const none = NO_SECRETS.config;
    return {
      config: compiled.secrets?.(work.executor_config) ?? none,
      inputs: work.inputs === undefined ? none : (compiled.inputSecrets?.(work.inputs) ?? none),
    };
  }

  /** Every problem of `work` at once, or an empty list. Never throws, whatever `work` is. */
  check(work: unknown): ValidationIssue[] {
    if (work === null || typeof work !== 'object' || Array.isArray(work)) {
      return [
        {
          path: '(root)',
          message: `a work must be an object, got ${work === null ? 'null' : Array.isArray(work) ? 'an array' : typeof work}`,
        },
      ];
    }
    const bounds = boundsIssues(work, '');
    if (bounds.length > 0) return bounds;
    const issues = this.#envelope(work) ? [] : toIssues(this.#envelope.errors ?? [], '');
    const { type, executor_config: config, inputs, timeout } = work as Partial<Work>;
    const timeoutMs = parseDuration(timeout);
    if (timeoutMs !== undefined && timeoutMs > MAX_DURATION_MS)
      issues.push({ path: 'timeout', message: durationProblem(timeout) as string });
    if (typeof type !== 'string' || type.length === 0) return issues;
    const compiled = this.#types.get(type);
    if (!compiled) {
      const hint = suggest(type, this.#types.keys());
      const known = [...this.#types.keys()].join(', ') || 'none';
      issues.push({
        path: 'type',
        message: `unknown work type "${type}"${hint ? ` — did you mean "${hint}"?` : ` (known: ${known})`}`,
      });
      // a misspelled type hides no config problem: the config is checked against the close type
      const close = hint === undefined ? undefined : this.#types.get(hint);
      if (close && config && typeof config === 'object' && !Array.isArray(config) && !close.config(config))
        issues.push(
          ...toIssues(close.config.errors ?? [], 'executor_config', secretTest(close.secrets, config)),
        );
      return mergeNearMisses(issues);
    }
    if (config && typeof config === 'object' && !Array.isArray(config) && !compiled.config(config)) {
      issues.push(
        ...toIssues(compiled.config.errors ?? [], 'executor_config', secretTest(compiled.secrets, config)),
      );
    }
    if (
      compiled.inputs &&
      inputs &&
      typeof inputs === 'object' &&
      !Array.isArray(inputs) &&
      !compiled.inputs(inputs)
    ) {
      issues.push(
        ...toIssues(compiled.inputs.errors ?? [], 'inputs', secretTest(compiled.inputSecrets, inputs)),
      );
    }
    return mergeNearMisses(issues);
  }

  /** Throws one `ValidationError` listing every problem of `work`. */
  validateWork(work: unknown): void {
    const issues = this.check(work);
    if (issues.length > 0) throw new ValidationError(issues);
  }

  #compile(schema: JSONSchema): ValidateFunction {
    // ajv keeps schemas by `$id`: drop the previous one so a type can be registered again
    // (a new version, or the same plugin after unregistering).
    const older =
      typeof schema === 'object' && typeof schema.$schema === 'string' && OLDER_DRAFT.test(schema.$schema);
    const ajv = older ? this.#draft07() : this.#ajv;
    const id = typeof schema === 'object' ? schema.$id : undefined;
    if (typeof id === 'string' && ajv.getSchema(id)) ajv.removeSchema(id);
    const tagged = withDiscriminators(schema);
    if (tagged !== schema) {
      try {
        return ajv.compile(tagged as object);
      } catch {
        // a shape ajv's discriminator does not take: the plain schema checks the same, only slower
      }
    }
    return ajv.compile(schema as object);
  }

  #draft07(): AjvDraft07 {
    this.#ajv07 ??= createAjvDraft07();
    return this.#ajv07;
  }
}
