/** Naming rules for what the scaffolder generates, each check returning a readable reason or `undefined`. */

const PREFIX = 'ubom-plugin-';
const NAME_RE = /^[a-z0-9][a-z0-9._-]*$/;
const SCOPE_RE = /^[a-z0-9~-][a-z0-9._~-]*$/;
const WORK_TYPE_RE = /^[a-z][a-z0-9._-]*$/;
/** npm refuses longer package names. */
const MAX_PACKAGE_NAME = 214;
const MAX_WORK_TYPE = 64;

/** Work types served by official executors: discovery prefers `@ubom/*`, so a plugin could never run them. */
export const BUILT_IN_TYPES: Readonly<Record<string, string>> = {
  process: '@ubom/executor-process',
  docker: '@ubom/executor-docker',
  grpc: '@ubom/executor-grpc',
  serverless: '@ubom/executor-serverless',
};

/** A lowercase, npm-safe guess at what the user meant (`"My Plugin!"` → `"my-plugin"`). */
export function toValidName(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '');
}

/**
 * Splits what the user typed into scope and short name: `greet`, `ubom-plugin-greet`,
 * `@acme/ubom-plugin-greet` and `@acme/greet` are all understood.
 */
export function splitName(input: string): { scope: string | undefined; name: string } {
  const trimmed = input.trim();
  const match = /^(@[^/]*)\/(.*)$/.exec(trimmed);
  const scope = match ? match[1] : undefined;
  const rest = match ? (match[2] ?? '') : trimmed;
  return { scope, name: rest.startsWith(PREFIX) ? rest.slice(PREFIX.length) : rest };
}

export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the plugin name is empty';
  if (NAME_RE.test(name)) return undefined;
  const guess = toValidName(name);
  const hint = guess && NAME_RE.test(guess) ? ` (try "${guess}")` : '';
  return `invalid plugin name "${name}": npm package names use lowercase letters, digits, "-", "." and "_", starting with a letter or digit${hint}`;
}

/** `acme` or `@acme` → `@acme`; `undefined` when empty. Check it with `scopeProblem` first. */
export function normalizeScope(scope: string | undefined): string | undefined {
  const bare = scope?.trim().replace(/^@/, '').replace(/\/$/, '');
  return bare ? `@${bare}` : undefined;
}

export function scopeProblem(scope: string | undefined): string | undefined {
  const bare = scope?.trim().replace(/^@/, '').replace(/\/$/, '');
  if (!bare || SCOPE_RE.test(bare)) return undefined;
  return `invalid npm scope "${scope}": use lowercase letters, digits, "-", "." , "_" and "~" (e.g. "@acme")`;
}

export function packageName(scope: string | undefined, name: string): string {
  return `${scope ? `${scope}/` : ''}${PREFIX}${name}`;
}

export function packageNameProblem(fullName: string): string | undefined {
  if (fullName.length > MAX_PACKAGE_NAME)
    return `the package name "${fullName}" is longer than npm's ${MAX_PACKAGE_NAME} characters`;
  return undefined;
}

export function workTypeProblem(type: string): string | undefined {
  if (type.length === 0) return 'the work type is empty';
  if (type.length > MAX_WORK_TYPE) return `the work type is longer than ${MAX_WORK_TYPE} characters`;
  if (!WORK_TYPE_RE.test(type)) {
    return `invalid work type "${type}": use lowercase letters, digits, "-", "." and "_", starting with a letter`;
  }
  const owner = BUILT_IN_TYPES[type];
  if (owner) return `work type "${type}" belongs to ${owner}, which UBOM prefers: choose another one`;
  return undefined;
}

/** `my-work.type` → `MyWorkType`: the prefix of the generated class and type names. */
export function pascalCase(type: string): string {
  return type
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
