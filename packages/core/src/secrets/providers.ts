import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Resolves secrets by name where the work runs (`{ "$secret": "NAME" }` in a work). Built in: `env`
 * and `file`; Vault or a cloud secret manager plug in by implementing this.
 */
export interface SecretProvider {
  /** The value of secret `name`, or `undefined` when this provider does not have it. */
  resolve(name: string, signal?: AbortSignal): string | undefined | Promise<string | undefined>;
  /** Where this provider looked for `name`, for "not found" messages (`env UBOM_SECRET_DB`). */
  describe(name: string): string;
}

/** Secret `NAME` is the environment variable `<prefix>NAME` (default prefix `UBOM_SECRET_`). */
export function envSecrets(options: { prefix?: string; env?: NodeJS.ProcessEnv } = {}): SecretProvider {
  const prefix = options.prefix ?? 'UBOM_SECRET_';
  const env = options.env ?? process.env;
  return {
    resolve: (name) => env[`${prefix}${name}`],
    describe: (name) => `env ${prefix}${name}`,
  };
}

/**
 * Secret `NAME` is the file `<dir>/NAME`, as Docker and Kubernetes mount secrets (default dir
 * `/run/secrets`); one trailing newline is trimmed.
 */
export function fileSecrets(options: { dir?: string } = {}): SecretProvider {
  const dir = options.dir ?? '/run/secrets';
  return {
    resolve: async (name) => {
      try {
        return (await readFile(join(dir, name), 'utf8')).replace(/\r?\n$/, '');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    describe: (name) => `file ${join(dir, name)}`,
  };
}
