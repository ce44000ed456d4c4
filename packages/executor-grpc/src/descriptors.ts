import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { type Client, type Metadata, status } from '@grpc/grpc-js';
import { suggest, UnavailableError, ValidationError } from '@ubom/core';
import { type Method, Root, Service, type Type } from 'protobufjs';
import 'protobufjs/ext/descriptor.js';
import type { GrpcConfig } from './config';
import { FileHead, FileSet, REFLECTION_METHODS, ReflectionFailure, ReflectionStream } from './reflection';

const SCOPE = { scope: 'grpc' } as const;

/** A method resolved by name, ready to call. Cached: built once per descriptor source. */
export interface ResolvedMethod {
  /** `/package.Service/Method` */
  path: string;
  requestType: Type;
  responseType: Type;
  requestStream: boolean;
  responseStream: boolean;
}

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

export function filesKey(config: GrpcConfig): string {
  if (config.proto_files)
    return `files|${config.proto_files.join('\0')}|${(config.include_dirs ?? []).join('\0')}`;
  return `set|${config.descriptor_set ?? ''}`;
}

async function loadFiles(files: string[], includeDirs: string[]): Promise<Root> {
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
        ...SCOPE,
        cause,
      },
    );
  }
  return root;
}

async function loadSet(file: string): Promise<Root> {
  try {
    const root = Root.fromDescriptor(await readFile(file), { keepCase: true });
    root.resolveAll();
    return root;
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw ValidationError.single('executor_config.descriptor_set', `could not be loaded: ${reason}`, {
      ...SCOPE,
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

async function reflectService(source: ReflectionSource, service: string) {
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
          ...SCOPE,
          cause: error,
        },
      );
    }
  }
  throw ValidationError.single(
    'executor_config.proto_files',
    'is needed: the server does not serve gRPC reflection (v1 or v1alpha); give proto_files or descriptor_set',
    { ...SCOPE, cause: lastUnimplemented },
  );
}

function unknownService(service: string, services: string[], where: string): ValidationError {
  const hint = suggest(service, services);
  const list = services.length > 0 ? ` (services: ${services.join(', ')})` : '';
  return ValidationError.single(
    'executor_config.method',
    `service "${service}" is not defined by ${where}${hint ? ` — did you mean "${hint}"?` : list}`,
    SCOPE,
  );
}

function servicesOf(root: Root): string[] {
  const out: string[] = [];
  const walk = (ns: { nestedArray: unknown[] }) => {
    for (const child of ns.nestedArray) {
      if (child instanceof Service) out.push(child.fullName.slice(1));
      if (child && typeof child === 'object' && 'nestedArray' in child)
        walk(child as { nestedArray: unknown[] });
    }
  };
  walk(root);
  return out;
}

function methodOf(root: Root, service: string, name: string, where: string): ResolvedMethod | undefined {
  const found = root.lookup(service);
  if (!(found instanceof Service)) throw unknownService(service, servicesOf(root), where);
  const method: Method | undefined = found.methods[name];
  if (!method) return undefined;
  method.resolve();
  return {
    path: `/${service}/${name}`,
    requestType: method.resolvedRequestType as Type,
    responseType: method.resolvedResponseType as Type,
    requestStream: Boolean(method.requestStream),
    responseStream: Boolean(method.responseStream),
  };
}

function unknownMethod(root: Root, service: string, name: string): ValidationError {
  const found = root.lookup(service) as Service;
  const methods = Object.keys(found.methods);
  const hint = suggest(name, methods);
  return ValidationError.single(
    'executor_config.method',
    `method "${name}" does not exist on ${service}${hint ? ` — did you mean "${hint}"?` : ''} (methods: ${methods.join(', ') || 'none'})`,
    SCOPE,
  );
}

/**
 * Descriptors by source: proto files and descriptor sets once per path list, reflected services once per
 * endpoint + credentials. Methods resolved from files are cached too, so a warm call does one Map lookup
 * (reflected ones are cached on the channel's lease). A failed load is not cached; a reflected
 * service is fetched again once when a method is missing from it.
 */
export class DescriptorCache {
  readonly #roots = new Map<string, Promise<Root>>();
  readonly #methods = new Map<string, ResolvedMethod>();

  /** The cached method for `sourceKey` + `method`, if resolved before. */
  cached(sourceKey: string, method: string): ResolvedMethod | undefined {
    return this.#methods.get(`${sourceKey}#${method}`);
  }

  async resolve(source: DescriptorSource, method: string): Promise<ResolvedMethod> {
    const slash = method.lastIndexOf('/');
    const service = method.slice(0, slash);
    const name = method.slice(slash + 1);
    const where =
      source.kind === 'reflection'
        ? 'the server'
        : source.kind === 'files'
          ? 'proto_files'
          : 'descriptor_set';
    const rootKey = source.kind === 'reflection' ? `${source.key}#${service}` : source.key;
    let root = await this.#root(rootKey, source, service);
    let resolved = methodOf(root, service, name, where);
    if (!resolved && source.kind === 'reflection') {
      this.#roots.delete(rootKey); // the server may have been redeployed with the method
      root = await this.#root(rootKey, source, service);
      resolved = methodOf(root, service, name, where);
    }
    if (!resolved) throw unknownMethod(root, service, name);
    // a reflected method is kept on its channel's lease (the executor looks there), not here
    if (source.kind !== 'reflection') this.#methods.set(`${source.key}#${method}`, resolved);
    return resolved;
  }

  #root(rootKey: string, source: DescriptorSource, service: string): Promise<Root> {
    let pending = this.#roots.get(rootKey);
    if (!pending) {
      pending =
        source.kind === 'reflection'
          ? reflectService(source, service)
          : source.kind === 'files'
            ? loadFiles(source.files, source.includeDirs)
            : loadSet(source.file);
      this.#roots.set(rootKey, pending);
      pending.catch(() => {
        if (this.#roots.get(rootKey) === pending) this.#roots.delete(rootKey);
      });
    }
    return pending;
  }

  clear(): void {
    this.#roots.clear();
    this.#methods.clear();
  }
}
