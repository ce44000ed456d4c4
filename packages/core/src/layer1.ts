import { ConflictError, NotFoundError, UbomError } from './errors';
import type { EnhancedWorkExecutor, Work, WorkContext, WorkType } from './types';

/** The narrow legacy layer1 executor: returns outputs, throws on failure. */
export interface WorkExecutor {
  execute(work: Work, workContext: WorkContext): Promise<Record<string, unknown>>;
  canExecute(type: WorkType): boolean;
}

/** Raised by the legacy interface when a work ran and failed (`success: false`). */
export class WorkFailedError extends UbomError {
  readonly outputs: Record<string, unknown>;

  constructor(message: string, outputs: Record<string, unknown>) {
    super('WORK_FAILED', message);
    this.outputs = outputs;
  }
}

/** Lets an `EnhancedWorkExecutor` serve where a layer1 `WorkExecutor` is expected. */
export class BackwardCompatibilityAdapter implements WorkExecutor {
  readonly #enhanced: EnhancedWorkExecutor;

  constructor(enhanced: EnhancedWorkExecutor) {
    this.#enhanced = enhanced;
  }

  async execute(work: Work, workContext: WorkContext): Promise<Record<string, unknown>> {
    await this.#enhanced.validate(work);
    const result = await this.#enhanced.execute(work, workContext);
    if (!result.success) throw new WorkFailedError(result.error ?? 'the work failed', result.outputs);
    return result.outputs;
  }

  canExecute(type: WorkType): boolean {
    return this.#enhanced.canExecute(type);
  }
}

/** layer1: runs works on legacy executors by type. */
export class WorkExecutionCore {
  readonly #executors = new Map<WorkType, WorkExecutor>();

  registerExecutor(type: WorkType, executor: WorkExecutor): void {
    if (this.#executors.has(type))
      throw new ConflictError(`an executor is already registered for type "${type}"`);
    this.#executors.set(type, executor);
  }

  execute(work: Work, workContext: WorkContext = {}): Promise<Record<string, unknown>> {
    const executor = this.#executors.get(work.type);
    if (!executor?.canExecute(work.type)) {
      return Promise.reject(new NotFoundError(`no executor for type "${work.type}"`));
    }
    return executor.execute(work, workContext);
  }
}
