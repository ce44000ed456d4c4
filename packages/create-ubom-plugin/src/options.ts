import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, parse, resolve } from 'node:path';
import type { Flags } from './args';
import { CancelledError, UsageError } from './errors';
import {
  nameProblem,
  normalizeScope,
  packageName,
  packageNameProblem,
  scopeProblem,
  splitName,
  workTypeProblem,
} from './names';
import { fromUserAgent, isPackageManager, PACKAGE_MANAGERS, type PackageManager } from './package-manager';
import type { Prompter } from './prompter';
import { explicitRegistry, normalizeRegistry } from './registry';

/** Everything the scaffolder needs, resolved from flags, prompts and defaults. */
export interface Plan {
  /** The part after `ubom-plugin-`. */
  name: string;
  scope: string | undefined;
  packageName: string;
  workType: string;
  description: string;
  author: string | undefined;
  /** Absolute target folder. */
  dir: string;
  /** The target folder exists and holds files: they are removed first (`.git` kept). */
  emptyFirst: boolean;
  packageManager: PackageManager;
  /** The registry asked for (`--registry`, `npm_config_registry`); `undefined`: the package manager's own. */
  registry: string | undefined;
  /** The registry came from `--registry`: the next steps repeat it. */
  registryFlag: boolean;
  install: boolean;
  git: boolean;
}

export interface ResolveContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Absent in non-interactive mode: a missing required value is then an error. */
  prompter: Prompter | undefined;
}

const check = (problem: string | undefined): void => {
  if (problem) throw new UsageError(problem);
};

/** A folder that holds nothing but maybe `.git`. */
function isEmptyDir(dir: string): boolean {
  return readdirSync(dir).every((entry) => entry === '.git');
}

async function resolveName(flags: Flags, prompter: Prompter | undefined) {
  if (flags.name !== undefined) return splitName(flags.name);
  if (!prompter) {
    throw new UsageError(
      'missing the plugin name: pass it as the first argument or with --name (e.g. npm create ubom-plugin greet)',
    );
  }
  const typed = await prompter.text({
    message: 'Plugin name (the package will be ubom-plugin-<name>)',
    placeholder: 'e.g. greet',
    validate: (value) => nameProblem(splitName(value).name) ?? scopeProblem(splitName(value).scope),
  });
  return splitName(typed);
}

async function resolveScope(flags: Flags, fromName: string | undefined, prompter: Prompter | undefined) {
  check(scopeProblem(flags.scope));
  check(scopeProblem(fromName));
  const [a, b] = [normalizeScope(flags.scope), normalizeScope(fromName)];
  if (a && b && a !== b) throw new UsageError(`two scopes given: ${b} in the name and --scope ${a}`);
  if (flags.scope !== undefined || fromName !== undefined || !prompter) return a ?? b;
  const typed = await prompter.text({
    message: 'npm scope (optional)',
    placeholder: 'none, or e.g. @acme',
    defaultValue: '',
    validate: scopeProblem,
  });
  return normalizeScope(typed);
}

async function resolveWorkType(flags: Flags, name: string, prompter: Prompter | undefined) {
  if (flags.workType !== undefined) {
    check(workTypeProblem(flags.workType));
    return flags.workType;
  }
  if (prompter) {
    const fallback = workTypeProblem(name) ? undefined : name;
    return prompter.text({
      message: 'Work type it runs (works say "type": "<this>")',
      ...(fallback ? { placeholder: fallback, defaultValue: fallback } : { placeholder: 'e.g. greet' }),
      validate: workTypeProblem,
    });
  }
  const problem = workTypeProblem(name);
  if (problem) throw new UsageError(`${problem} (taken from the name): pass --work-type`);
  return name;
}

async function optionalText(
  value: string | undefined,
  prompter: Prompter | undefined,
  message: string,
  fallback: string,
): Promise<string> {
  if (value !== undefined) return value.trim();
  if (!prompter) return fallback;
  return prompter.text({ message, placeholder: fallback || 'none', defaultValue: fallback });
}

function resolvePackageManager(flags: Flags, env: NodeJS.ProcessEnv): PackageManager {
  const pm = flags.packageManager;
  if (pm === undefined) return fromUserAgent(env.npm_config_user_agent) ?? 'npm';
  if (!isPackageManager(pm)) {
    throw new UsageError(`unknown package manager "${pm}": use one of ${PACKAGE_MANAGERS.join(', ')}`);
  }
  return pm;
}

async function resolveTarget(flags: Flags, dir: string, prompter: Prompter | undefined): Promise<boolean> {
  if (dir === parse(dir).root || dir === homedir()) {
    throw new UsageError(`refusing to scaffold into ${dir}: choose a new folder with --dir`);
  }
  if (!existsSync(dir)) return false;
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} exists and is not a folder`);
  if (isEmptyDir(dir)) return false;
  if (flags.overwrite) return true;
  if (!prompter) {
    throw new UsageError(
      `the target folder ${dir} is not empty: pass --overwrite to remove its files, or choose another --dir`,
    );
  }
  if (
    !(await prompter.confirm(`${dir} is not empty. Remove its files (keeping .git) and continue?`, false))
  ) {
    throw new CancelledError();
  }
  return true;
}

function resolveRegistry(flags: Flags, env: NodeJS.ProcessEnv): string | undefined {
  if (flags.registry !== undefined && !normalizeRegistry(flags.registry)) {
    throw new UsageError(
      `invalid --registry "${flags.registry}": give the registry's http(s) URL (e.g. https://registry.npmjs.org/)`,
    );
  }
  return explicitRegistry(flags.registry, env);
}

/** Resolves the plan: flags first, then prompts (interactive) or defaults; every value checked. */
export async function resolvePlan(flags: Flags, ctx: ResolveContext): Promise<Plan> {
  const { prompter } = ctx;
  const registry = resolveRegistry(flags, ctx.env);
  const split = await resolveName(flags, prompter);
  check(nameProblem(split.name));
  const scope = await resolveScope(flags, split.scope, prompter);
  const fullName = packageName(scope, split.name);
  check(packageNameProblem(fullName));
  const workType = await resolveWorkType(flags, split.name, prompter);
  const description = await optionalText(
    flags.description,
    prompter,
    'Description',
    `UBOM plugin that runs "${workType}" works`,
  );
  const author = await optionalText(flags.author, prompter, 'Author (optional)', '');
  const dir = resolve(ctx.cwd, flags.dir ?? basename(fullName));
  const emptyFirst = await resolveTarget(flags, dir, prompter);
  const packageManager = resolvePackageManager(flags, ctx.env);
  const install =
    flags.install ??
    (prompter ? await prompter.confirm(`Install dependencies with ${packageManager}?`, true) : true);
  return {
    name: split.name,
    scope,
    packageName: fullName,
    workType,
    description,
    author: author || undefined,
    dir,
    emptyFirst,
    packageManager,
    registry,
    registryFlag: flags.registry !== undefined,
    install,
    git: flags.git ?? true,
  };
}
