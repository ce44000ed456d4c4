import { readFile } from 'node:fs/promises';
import { ValidationError } from '@ubom/core';
import type { Client, SFTPWrapper } from 'ssh2';
import { abortable } from './abortable';
import type { SshUpload } from './config';
import { SCOPE } from './connect';

export interface UploadSummary {
  files: number;
  bytes: number;
}

/** The bytes of one upload: its `content`, or its local `source` file. */
async function contentOf(item: SshUpload, index: number): Promise<Buffer> {
  if (item.content !== undefined) return Buffer.from(item.content);
  try {
    return await readFile(item.source as string);
  } catch (error) {
    throw ValidationError.single(
      `executor_config.upload[${index}].source`,
      `cannot read "${item.source}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { scope: SCOPE, cause: error },
    );
  }
}

/** Whether every local `source` can be read (the dry run's check): one issue per unreadable file. */
export async function sourceProblems(items: readonly SshUpload[]): Promise<ValidationError | undefined> {
  const issues = [];
  for (const [index, item] of items.entries()) {
    if (item.source === undefined) continue;
    const problem = await contentOf(item, index).then(
      () => undefined,
      (error: ValidationError) => error.issues[0],
    );
    if (problem) issues.push(problem);
  }
  return issues.length > 0 ? new ValidationError(issues, { scope: SCOPE }) : undefined;
}

function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    try {
      client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)));
    } catch (error) {
      reject(error);
    }
  });
}

function write(sftp: SFTPWrapper, target: string, data: Buffer, mode: number | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.writeFile(target, data, mode === undefined ? {} : { mode }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

function chmod(sftp: SFTPWrapper, target: string, mode: number): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.chmod(target, mode, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Writes the uploads over one SFTP session, in order, before the command runs. A file that cannot be
 * written is a `ValidationError` at its `target`: the command is not run. Aborting ends the session.
 */
export async function uploadFiles(
  client: Client,
  items: readonly SshUpload[],
  signal: AbortSignal,
): Promise<UploadSummary> {
  const contents = await Promise.all(items.map((item, index) => contentOf(item, index)));
  signal.throwIfAborted();
  const sftp = await abortable(openSftp(client), signal).catch((error: Error) => {
    signal.throwIfAborted();
    throw ValidationError.single('executor_config.upload', `cannot open an SFTP session: ${error.message}`, {
      scope: SCOPE,
      cause: error,
    });
  });
  let bytes = 0;
  try {
    for (const [index, item] of items.entries()) {
      const data = contents[index] as Buffer;
      const mode = item.mode === undefined ? undefined : Number.parseInt(item.mode, 8);
      try {
        await abortable(write(sftp, item.target, data, mode), signal);
        // an existing file keeps its permissions on open: set them explicitly
        if (mode !== undefined) await abortable(chmod(sftp, item.target, mode), signal);
      } catch (error) {
        signal.throwIfAborted();
        throw ValidationError.single(
          `executor_config.upload[${index}].target`,
          `cannot write "${item.target}" on the server: ${(error as Error).message}`,
          { scope: SCOPE, cause: error },
        );
      }
      bytes += data.length;
    }
  } finally {
    sftp.end();
  }
  return { files: items.length, bytes };
}
