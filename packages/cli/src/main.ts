import { Command, CommanderError } from 'commander';
import pkg from '../package.json';
import { configCommand } from './commands/config';
import { newCommand } from './commands/new';
import { pluginsHealthCommand, pluginsListCommand } from './commands/plugins';
import { QUEUE_COMMANDS, registerQueue } from './commands/queue';
import { runCommand } from './commands/run';
import { schemaCommand } from './commands/schema';
import { typesCommand } from './commands/types';
import { validateCommand } from './commands/validate';
import type { CommandContext, Io } from './context';
import { describeError, EXIT, exitCodeFor } from './errors';

export interface MainOptions extends Partial<Io> {
  /** Aborting it cancels a running work (`ubom run` then resolves 130 once the work is cleaned up). */
  signal?: AbortSignal;
  /** Let `ubom run` trap SIGINT/SIGTERM itself (the bin does; embedders usually do not). */
  handleSignals?: boolean;
  /** The project folder plugins are searched from (then the CLI's own folder). Default `process.cwd()`. */
  cwd?: string;
}

/**
 * Runs the `ubom` command line with `argv` (without `node` and the script) and resolves with the exit
 * code: 0 success, 1 the work failed, 2 invalid input or usage, 130 interrupted.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const io: Io = {
    stdin: options.stdin ?? process.stdin,
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    env: options.env ?? process.env,
  };
  let code: number = EXIT.ok;
  const program = new Command('ubom');
  const ctx = (): CommandContext => {
    const globals = program.opts<{ debug?: boolean; color?: boolean; config?: string; plugin?: string[] }>();
    if (globals.color === false) io.env = { ...io.env, NO_COLOR: '1' };
    return {
      io,
      debug: globals.debug === true,
      cwd: options.cwd ?? process.cwd(),
      handleSignals: options.handleSignals === true,
      configFile: globals.config,
      plugins: globals.plugin ?? [],
      signal: options.signal,
    };
  };

  program
    .description('Run and check UBOM works: JSON work files executed by pluggable executors')
    .version(pkg.version, '-V, --version')
    .option('--debug', 'show stacks and causes of errors')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .option('--config <file>', 'configuration file (default: UBOM_CONFIG, or ubom.config.json found upward)')
    .option(
      '--plugin <path|package>',
      'load this plugin package first (a folder or an installed package name; repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showSuggestionAfterError()
    .showHelpAfterError('(run ubom --help for usage)');

  program
    .command('run')
    .description('run a work and print its live logs and result')
    .argument('<file>', 'work file (JSON), or - to read it from stdin')
    .option('--json', 'print the raw WorkResult JSON to stdout instead of a summary')
    .option('-q, --quiet', 'no live logs')
    .option('--timeout <duration>', "override the work's timeout (30s, 1m30s, 500ms)")
    .action(async (file: string, flags: { json?: boolean; quiet?: boolean; timeout?: string }) => {
      code = await runCommand(file, flags, ctx());
    });

  program
    .command('validate')
    .description('check a work without running it: every problem with its JSON path')
    .argument('<file>', 'work file (JSON), or - to read it from stdin')
    .option('--resolve', 'also resolve its secret references through the configured providers')
    .option(
      '--no-dry-run',
      "skip the executor's dry run against its backend (the program, image, host…): schema and executor checks only",
    )
    .action(async (file: string, flags: { resolve?: boolean; dryRun?: boolean }) => {
      code = await validateCommand(file, flags, ctx());
    });

  program
    .command('new')
    .description(
      'write a starter work of a type from its schema (required keys filled, defaults, a "$schema" line)',
    )
    .argument('<type>', 'work type, e.g. process (ubom types lists them)')
    .argument('[file]', 'the work file to write (default: print it to stdout)')
    .option('--force', 'overwrite the file if it exists')
    .option(
      '--variant <value>',
      'pick a branch where the config has variants, e.g. gcp for serverless (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(
      async (type: string, file: string | undefined, flags: { force?: boolean; variant?: string[] }) => {
        code = await newCommand(type, file, flags, ctx());
      },
    );

  program
    .command('config')
    .description(
      'print the effective configuration (file, plugin sections, secret providers), secrets masked',
    )
    .option('--json', 'print JSON only')
    .action(async (flags: { json?: boolean }) => {
      code = await configCommand(flags, ctx());
    });

  program
    .command('schema')
    .description(
      "print the JSON Schema of a work type's executor_config; --work: of a whole work file, for editors",
    )
    .argument('[types...]', 'work type, e.g. process (with --work: any number, default every installed one)')
    .option('--full', 'print the whole WorkSchema (type, version, config, inputs, outputs)')
    .option('--table', 'print a readable field list (key, type, required, default, description, secret)')
    .option('--work', 'print the JSON Schema of a whole work file (point "$schema" at it)')
    .action(async (types: string[], flags: { full?: boolean; table?: boolean; work?: boolean }) => {
      code = await schemaCommand(types, flags, ctx());
    });

  program
    .command('types')
    .description('list the work types available, with their executor name and version')
    .option('--json', 'print the list as JSON')
    .action(async (flags: { json?: boolean }) => {
      code = await typesCommand(flags, ctx());
    });

  const plugins = program
    .command('plugins')
    .description('the installed executor plugins: list them, check their health');

  plugins
    .command('list')
    .description(
      'installed plugins from their package.json manifests (name, version, types, status, reason); imports none',
    )
    .option('--json', 'print the list as JSON')
    .action(async (flags: { json?: boolean }) => {
      code = await pluginsListCommand(flags, ctx());
    });

  plugins
    .command('health')
    .description('import, initialize and health-check every usable plugin; exit 1 if any is not healthy')
    .option('--json', 'print the results as JSON')
    .option(
      '--timeout <duration>',
      'bound for each step of each plugin (load, initialize, health check)',
      '10s',
    )
    .action(async (flags: { json?: boolean; timeout?: string }) => {
      code = await pluginsHealthCommand(flags, ctx());
    });

  program.addHelpText(
    'after',
    '\nWith @ubom/queue-bullmq installed: ubom worker, ubom enqueue, ubom queue (works on BullMQ + Redis).',
  );

  try {
    const first = argv.find((arg) => !arg.startsWith('-'));
    if (first !== undefined && QUEUE_COMMANDS.has(first)) {
      await registerQueue(program, ctx, (c) => {
        code = c;
      });
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    io.stderr.write(`${describeError(error, program.opts<{ debug?: boolean }>().debug === true)}\n`);
    return exitCodeFor(error);
  }
}
