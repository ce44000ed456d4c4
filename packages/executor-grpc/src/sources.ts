import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { type Client, type Metadata, status } from '@grpc/grpc-js';
import { suggest, UnavailableError, ValidationError } from '@ubom/core';
import { Root } from 'protobufjs';
import 'protobufjs/ext/descriptor.js';
import { type ParsedGrpcConfig, SCOPE } from './config';
import { FileHead, FileSet, REFLECTION_METHODS, ReflectionFailure, ReflectionStream } from './reflection';

// Where descriptors come from: .proto files, a descriptor set file, or the server's reflection.

export type DescriptorSource =
  | {
      kind: 'reflection';
      key: string;
      client: Client;
      metadata: Metadata;
      deadline: number;
      signal: AbortSignal | undefined;
    }
  | { kind: 'files'; key: string; files: string[]; includeDirs: string[] }
  | { kind: 'set'; key: string; file: string };

export function filesKey(config: ParsedGrpcConfig): string {
  if (config.proto_files)
    return `files|${config.proto_files.join('\0')}|${(config.include_dirs ?? []).join('\0')}`;
  return `set|${config.descriptor_set ?? ''}`;
}

export async function loadFiles(files: string[], includeDirs: string[]): Promise<Root> {
  const dirs = includeDirs.map((d) => resolvePath(d));
  const root = new Root();
  root.resolvePath = (origin, target) => {
    if (isAbsolute(target)) return target;
    for (const dir of dirs) {
      const candidate = resolvePath(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    // like protoc: an import is relative to an include dir; a top-level file may also be relative to cwd
    return origin ? resolvePath(dirs[0] ?? '.', target) : resolvePath(target);
  };
  try {
    await root.load(files, { keepCase: true });
    root.resolveAll();
  } catch (cause) {
    throw ValidationError.single(
      'executor_config.proto_files',
      `could not be loaded: ${(cause as Error).message}`,
      {
        scope: SCOPE,
        cause,
      },
    );
  }
  return root;
}

export async function loadSet(file: string): Promise<Root> {
  try {
    const root = Root.fromDescriptor(await readFile(file), { keepCase: true });
    root.resolveAll();
    return root;
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw ValidationError.single('executor_config.descriptor_set', `could not be loaded: ${reason}`, {
      scope: SCOPE,
      cause,
    });
  }
}

/** Fetches the file that defines `symbol` and every file it imports, over one reflection stream. */
type ReflectionSource = Extract<DescriptorSource, { kind: 'reflection' }>;

async function reflect(source: ReflectionSource, method: string, symbol: string) {
  const stream = new ReflectionStream(source.client, method, source.metadata, source.deadline, source.signal);
  try {
    const files = new Map<string, Uint8Array>();
    const wanted: string[] = [];
    const add = (encoded: Uint8Array[]) => {
      for (const bytes of encoded) {
        const head = FileHead.toObject(FileHead.decode(bytes), { arrays: true }) as {
          name: string;
          dependency: string[];
        };
        if (files.has(head.name)) continue;
        files.set(head.name, bytes);
        wanted.push(...head.dependency);
      }
    };
    add(await stream.files({ file_containing_symbol: symbol }));
    for (let name = wanted.shift(); name !== undefined; name = wanted.shift()) {
      if (!files.has(name)) add(await stream.files({ file_by_filename: name }));
    }
    const root = Root.fromDescriptor(FileSet.encode({ file: [...files.values()] }).finish(), {
      keepCase: true,
    });
    root.resolveAll();
    return root;
  } finally {
    stream.close();
  }
}

async function listServices(source: ReflectionSource, method: string) {
  const stream = new ReflectionStream(source.client, method, source.metadata, source.deadline, source.signal);
  try {
    return await stream.services();
  } catch {
    return [];
  } finally {
    stream.close();
  }
}

/** Raised when the server answered the reflection call with a status the work should report. */
export class ReflectionRefused extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(details);
  }
}

export async function reflectService(source: ReflectionSource, service: string) {
  let lastUnimplemented: ReflectionFailure | undefined;
  for (const method of REFLECTION_METHODS) {
    try {
      return await reflect(source, method, service);
    } catch (error) {
      if (!(error instanceof ReflectionFailure)) throw error;
      if (error.code === status.UNIMPLEMENTED) {
        lastUnimplemented = error;
        continue;
      }
      if (error.code === status.NOT_FOUND) {
        const services = await listServices(source, method);
        throw unknownService(service, services, 'the server');
      }
      if (error.code === status.UNAUTHENTICATED || error.code === status.PERMISSION_DENIED)
        throw new ReflectionRefused(error.code, `server reflection refused: ${error.message}`);
      throw new UnavailableError(
        `could not resolve ${service} by server reflection: ${status[error.code]}: ${error.message}`,
        {
          scope: SCOPE,
          cause: error,
        },
      );
    }
  }
  throw ValidationError.single(
    'executor_config.proto_files',
    'is needed: the server does not serve gRPC reflection (v1 or v1alpha); give proto_files or descriptor_set',
    { scope: SCOPE, cause: lastUnimplemented },
  );
}

export function unknownService(service: string, services: string[], where: string): ValidationError {
  const hint = suggest(service, services);
  const list = services.length > 0 ? ` (services: ${services.join(', ')})` : '';
  return ValidationError.single(
    'executor_config.method',
    `service "${service}" is not defined by ${where}${hint ? ` — did you mean "${hint}"?` : list}`,
    { scope: SCOPE },
  );
}
