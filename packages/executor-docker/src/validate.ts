import { ValidationError, type Work, zodIssues } from '@ubom/core';
import { type DockerConfig, dockerConfigSchema } from './config';

const SCOPE = { scope: 'docker' };

/** Parses `executor_config` (defaults applied). Throws `ValidationError` with every problem. */
export function parseConfig(work: Work): DockerConfig {
  const parsed = dockerConfigSchema.safeParse(work.executor_config);
  if (!parsed.success)
    throw new ValidationError(zodIssues(parsed.error, 'executor_config', dockerConfigSchema), SCOPE);
  return parsed.data;
}
