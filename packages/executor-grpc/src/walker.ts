import { joinPath, suggest, type ValidationIssue } from '@ubom/core';
import { Enum, type Field, type Type } from 'protobufjs';
import { enumValue, scalar, show } from './scalars';
import { planOf, protojson } from './type-plan';

// JSON request → plain object protobufjs encodes, with every problem at its JSON path.

/**
 * Where a value sits in the request, as (parent, key) links: built only for nested messages and turned
 * into a JSON path only when there is a problem to report, so a valid request allocates no paths.
 */
type Loc = string | { readonly up: Loc; readonly key: string | number };
type Key = string | number | undefined;
const locText = (up: Loc, key: Key = undefined): string => {
  const base = typeof up === 'string' ? up : locText(up.up, up.key);
  return key === undefined ? base : joinPath(base, [String(key)]);
};
const locOf = (up: Loc, key: Key): Loc => (key === undefined ? up : { up, key });

export class Walker {
  readonly issues: ValidationIssue[] = [];

  #issue(up: Loc, key: Key, message: string): undefined {
    this.issues.push({ path: locText(up, key), message });
    return undefined;
  }

  /** The message at `up`/`key` (key undefined: at `up` itself). */
  message(type: Type, value: unknown, up: Loc, key: Key, depth: number): unknown {
    const plan = planOf(type);
    if (plan.wellKnown) {
      try {
        return protojson.fromJson(type, value);
      } catch (error) {
        const reason = (error as Error).message.replace(/^\.?[\w.]+: /, '');
        return this.#issue(up, key, `must be a ${type.fullName.slice(1)} in ProtoJSON form (${reason})`);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return this.#issue(up, key, `must be an object (${type.fullName.slice(1)}), got ${show(value)}`);
    if (depth > 64) return this.#issue(up, key, 'is nested too deeply');
    const at = locOf(up, key);
    const out: Record<string, unknown> = {};
    let oneofs: Map<string, string> | undefined;
    for (const name in value) {
      if (!Object.hasOwn(value, name)) continue;
      const raw = (value as Record<string, unknown>)[name];
      const field = plan.byKey.get(name);
      if (!field) {
        const hint = suggest(name, plan.names);
        this.#issue(
          at,
          name,
          hint
            ? `unknown field of ${type.fullName.slice(1)} — did you mean "${hint}"?`
            : `unknown field of ${type.fullName.slice(1)} (fields: ${plan.names.join(', ') || 'none'})`,
        );
        continue;
      }
      if (raw === null && field.resolvedType?.fullName !== '.google.protobuf.Value') continue;
      if (field.name in out) {
        this.#issue(at, name, `sets ${field.name} twice (as ${field.name} and ${field.jsonName})`);
        continue;
      }
      if (field.partOf) {
        oneofs ??= new Map();
        const other = oneofs.get(field.partOf.name);
        if (other !== undefined) {
          this.#issue(at, name, `cannot be set with ${other}: both are in oneof ${field.partOf.name}`);
          continue;
        }
        oneofs.set(field.partOf.name, field.name);
      }
      const converted = this.field(field, raw, at, name, depth);
      if (converted !== undefined) out[field.name] = converted;
    }
    return out;
  }

  field(field: Field, value: unknown, up: Loc, key: string, depth: number): unknown {
    if (field.map) {
      const keyType = (field as Field & { keyType: string }).keyType;
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return this.#issue(up, key, `must be an object (map<${keyType}, ${field.type}>), got ${show(value)}`);
      const at: Loc = { up, key };
      const out: Record<string, unknown> = {};
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        const badKey =
          keyType === 'bool'
            ? k !== 'true' && k !== 'false'
            : keyType !== 'string' && 'error' in scalar(keyType, k);
        if (badKey) this.#issue(at, k, `is not a valid ${keyType} map key`);
        else out[k] = this.single(field, (value as Record<string, unknown>)[k], at, k, depth);
      }
      return out;
    }
    if (field.repeated) {
      if (!Array.isArray(value))
        return this.#issue(up, key, `must be an array (repeated ${field.type}), got ${show(value)}`);
      const at: Loc = { up, key };
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = this.single(field, value[i], at, i, depth);
      return out;
    }
    return this.single(field, value, up, key, depth);
  }

  single(field: Field, value: unknown, up: Loc, key: string | number, depth: number): unknown {
    const resolved = field.resolvedType;
    if (resolved instanceof Enum) {
      const converted = enumValue(resolved, value);
      return 'error' in converted ? this.#issue(up, key, converted.error) : converted.value;
    }
    if (resolved) return this.message(resolved as Type, value, up, key, depth + 1);
    const converted = scalar(field.type, value);
    return 'error' in converted ? this.#issue(up, key, converted.error) : converted.value;
  }
}
