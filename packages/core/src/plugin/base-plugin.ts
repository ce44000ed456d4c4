import type {
  ExecuteOptions,
  ExternalWorkPlugin,
  PluginInfo,
  Work,
  WorkContext,
  WorkMetadata,
  WorkResult,
  WorkSchema,
  WorkType,
} from '../types';

/**
 * The common part of every plugin: info, metadata, schema and a no-op lifecycle.
 * Subclasses implement `execute` and override what they need (`validate`, `initialize`, …).
 * Schema validation is done by the registry; `validate` is for checks a schema cannot express.
 */
export abstract class BasePlugin implements ExternalWorkPlugin {
  protected readonly info: PluginInfo;
  protected readonly metadata: WorkMetadata;
  protected readonly schema: WorkSchema;

  constructor(info: PluginInfo, metadata: WorkMetadata, schema: WorkSchema) {
    this.info = info;
    this.metadata = metadata;
    this.schema = schema;
  }

  abstract execute(work: Work, workContext: WorkContext, options?: ExecuteOptions): Promise<WorkResult>;

  validate(_work: Work): void | Promise<void> {}

  getSchema(): WorkSchema {
    return this.schema;
  }

  getMetadata(): WorkMetadata {
    return this.metadata;
  }

  getPluginInfo(): PluginInfo {
    return this.info;
  }

  getSupportedTypes(): WorkType[] {
    return [this.schema.type];
  }

  canExecute(type: WorkType): boolean {
    return this.getSupportedTypes().includes(type);
  }

  async initialize(_config: Record<string, unknown>): Promise<void> {}

  async shutdown(): Promise<void> {}

  async healthCheck(): Promise<void> {}
}
