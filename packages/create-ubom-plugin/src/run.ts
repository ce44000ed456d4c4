import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { version } from '../package.json';
import { HELP, parseFlags } from './args';
import { CancelledError, UsageError } from './errors';
import type { Plan } from './options';
import { resolvePlan } from './options';
import { runScript } from './package-manager';
import { clackPrompter } from './prompter';
import { configuredRegistry, diagnose, registryEnv } from './registry';
import { scaffold } from './scaffold';
import { clackUi, plainUi, type Ui } from './ui';

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdinIsTTY: boolean;
}

const processIo = (): Io => ({
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: process.stdin.isTTY === true,
});

/** `git init` unless git is missing or the folder is already inside a repository; returns what happened. */
function gitInit(dir: string): { ok: boolean; message: string } {
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, encoding: 'utf8' });
  if (inside.error) return { ok: false, message: 'git was not found: skipped git init' };
  if (inside.status === 0 && inside.stdout.trim() === 'true') {
    return { ok: true, message: 'Already inside a git repository: skipped git init' };
  }
  const init = spawnSync('git', ['init', '--quiet'], { cwd: dir, encoding: 'utf8' });
  if (init.status !== 0) return { ok: false, message: `git init failed: ${init.stderr.trim()}` };
  return { ok: true, message: 'Initialised a git repository' };
}

/** `<package manager> install` in the new folder, from `plan.registry` when one was asked for. */
function install(plan: Plan, env: NodeJS.ProcessEnv): number | null {
  const result = spawnSync(plan.packageManager, ['install'], {
    cwd: plan.dir,
    env: plan.registry ? { ...env, ...registryEnv(plan.registry) } : env,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  return result.status;
}

/**
 * Why the install failed, in words the user can act on: each dependency of the new package that the
 * registry cannot serve (not published there, no matching version, refused, unreachable), the registry
 * named; else a pointer to the package manager's own output.
 */
async function installFailure(plan: Plan, code: number | null): Promise<string> {
  const pm = plan.packageManager;
  const registry = plan.registry ?? configuredRegistry(pm, plan.dir);
  const manifest = JSON.parse(readFileSync(join(plan.dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const found = await diagnose(registry, { ...manifest.dependencies, ...manifest.devDependencies });
  const retry = `${pm} install${plan.registryFlag ? ` --registry ${registry}` : ''}`;
  const failed = `${pm} install failed in ${plan.dir}`;
  if ('unreachable' in found) {
    return [
      `${failed}: the registry ${registry} did not answer (${found.unreachable}).`,
      `The plugin's files are written. Check the registry's URL (--registry <url>, npm_config_registry)`,
      `and the network, then run ${retry} in that folder.`,
    ].join('\n');
  }
  if (found.problems.length === 0) {
    return [
      `${failed} (exit code ${code}). Every dependency is published on ${registry},`,
      `so the cause is in ${pm}'s output above. The plugin's files are written: once that is fixed, run ${retry} there.`,
    ].join('\n');
  }
  return [
    `${failed}: the registry ${registry} cannot serve`,
    ...found.problems.map(({ spec, problem }) => `  ${spec}: ${problem}`),
    `The plugin's files are written. Install from a registry that has these packages (--registry <url>,`,
    `or npm_config_registry), or publish them to this one, then run ${retry} in that folder.`,
  ].join('\n');
}

function nextSteps(plan: Plan, cwd: string, installed: boolean): string[] {
  const steps: string[] = [];
  const rel = relative(cwd, plan.dir);
  if (rel) steps.push(`cd ${rel.includes(' ') ? `"${rel}"` : rel}`);
  if (!installed) {
    steps.push(`${plan.packageManager} install${plan.registryFlag ? ` --registry ${plan.registry}` : ''}`);
  }
  steps.push(`${runScript(plan.packageManager, 'test')}    # the UBOM conformance suite`);
  steps.push(`${runScript(plan.packageManager, 'build')}`);
  return steps;
}

/** Runs the scaffolder; resolves with the process exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let ui: Ui = plainUi(io.stdout, io.stderr);
  try {
    const flags = parseFlags(argv);
    if (flags.help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (flags.version) {
      io.stdout.write(`${version}\n`);
      return 0;
    }
    const terminal = io.stdinIsTTY && io.stdout.isTTY === true;
    if (flags.interactive && !terminal) throw new UsageError('--interactive needs a terminal');
    const interactive = flags.interactive ?? (terminal && !io.env.CI);
    if (interactive) ui = clackUi;
    ui.intro();
    const plan = await resolvePlan(flags, {
      cwd: io.cwd,
      env: io.env,
      prompter: interactive ? clackPrompter : undefined,
    });
    const files = scaffold(plan);
    ui.step(
      `Created ${plan.packageName} (work type "${plan.workType}") in ${plan.dir}: ${files.length} files`,
    );
    if (plan.git) {
      const git = gitInit(plan.dir);
      if (git.ok) ui.step(git.message);
      else ui.warn(git.message);
    }
    if (plan.install) {
      const from = plan.registry ? ` from ${plan.registry}` : '';
      ui.step(`Installing dependencies with ${plan.packageManager}${from}…`);
      const code = install(plan, io.env);
      if (code !== 0) {
        ui.fail(await installFailure(plan, code));
        return 1;
      }
    }
    ui.done(nextSteps(plan, io.cwd, plan.install));
    return 0;
  } catch (error) {
    if (error instanceof CancelledError) {
      ui.cancel('Cancelled: nothing was written.');
      return 130;
    }
    if (error instanceof UsageError) {
      ui.error(error.message);
      return 1;
    }
    throw error;
  }
}
