import { suggest, ValidationError } from '@ubom/core';
import { type Method, type Root, Service, type Type } from 'protobufjs';
import { SCOPE } from './config';
import { type DescriptorSource, loadFiles, loadSet, reflectService, unknownService } from './sources';

/** A method resolved by name, ready to call. Cached: built once per descriptor source. */
export interface ResolvedMethod {
  /** `/package.Service/Method` */
  path: string;
  requestType: Type;
  responseType: Type;
  requestStream: boolean;
  responseStream: boolean;
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
    { scope: SCOPE },
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
