import { parseArgs } from 'node:util';
import { UsageError } from './errors';

/** What the command line said; anything left `undefined` is prompted for or defaulted. */
export interface Flags {
  name?: string | undefined;
  scope?: string | undefined;
  workType?: string | undefined;
  description?: string | undefined;
  author?: string | undefined;
  dir?: string | undefined;
  packageManager?: string | undefined;
  registry?: string | undefined;
  install?: boolean | undefined;
  git?: boolean | undefined;
  overwrite: boolean;
  interactive?: boolean | undefined;
  help: boolean;
  version: boolean;
}

const OPTIONS = {
  name: { type: 'string' },
  scope: { type: 'string' },
  'work-type': { type: 'string' },
  description: { type: 'string' },
  author: { type: 'string' },
  dir: { type: 'string' },
  'package-manager': { type: 'string' },
  registry: { type: 'string' },
  install: { type: 'boolean' },
  'no-install': { type: 'boolean' },
  git: { type: 'boolean' },
  'no-git': { type: 'boolean' },
  overwrite: { type: 'boolean' },
  interactive: { type: 'boolean' },
  'no-interactive': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export const HELP = `Usage: npm create ubom-plugin [name] -- [options]
       create-ubom-plugin [name] [options]

Creates ubom-plugin-<name> (or @scope/ubom-plugin-<name>): a UBOM plugin package with a
config schema, the conformance test suite, a tsup build and a README.

Options (each one answers a prompt):
  --name <name>               plugin name, the part after "ubom-plugin-" (or the first argument)
  --scope <@scope>            npm scope, e.g. @acme (default: none)
  --work-type <type>          the work type it serves (default: the name)
  --description <text>        package description
  --author <text>             package author
  --dir <path>                where to create it (default: ./<package name without scope>)
  --package-manager <pm>      npm, pnpm, yarn or bun (default: the one running this command)
  --registry <url>            npm registry to install from (default: npm_config_registry, else
                              the package manager's own configuration)
  --install, --no-install     install dependencies (default: install)
  --git, --no-git             git init the new folder (default: yes, unless already in a repository)
  --overwrite                 empty a non-empty target folder first (keeps .git)
  --interactive, --no-interactive
                              prompt for what is missing (default: when run in a terminal)
  -h, --help                  show this help
  -v, --version               show the version

Without prompts (scripts, CI), the name is required; everything else has a default.`;

const pair = (yes: boolean | undefined, no: boolean | undefined, name: string): boolean | undefined => {
  if (yes && no) throw new UsageError(`--${name} and --no-${name} contradict each other`);
  return yes ? true : no ? false : undefined;
};

const distance = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
};

function unknownOption(error: Error): UsageError {
  const option = /'(-[^']*)'/.exec(error.message)?.[1] ?? '';
  const bare = option.replace(/^-+/, '');
  const close = Object.keys(OPTIONS)
    .map((name) => ({ name, d: distance(bare, name) }))
    .sort((a, b) => a.d - b.d)[0];
  const hint = close && close.d <= 2 ? ` (did you mean --${close.name}?)` : '';
  return new UsageError(`unknown option ${option}${hint}`);
}

/** Parses `argv` (without node and the script). Throws `UsageError` for anything it cannot accept. */
export function parseFlags(argv: string[]): Flags {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw unknownOption(e);
    throw new UsageError(e.message);
  }
  const { values: v, positionals } = parsed;
  if (positionals.length > 1)
    throw new UsageError(`expected at most one name, got: ${positionals.join(' ')}`);
  const positional = positionals[0];
  if (positional !== undefined && v.name !== undefined && positional !== v.name) {
    throw new UsageError(`two names given: "${positional}" and --name "${v.name}"`);
  }
  return {
    name: positional ?? v.name,
    scope: v.scope,
    workType: v['work-type'],
    description: v.description,
    author: v.author,
    dir: v.dir,
    packageManager: v['package-manager'],
    registry: v.registry,
    install: pair(v.install, v['no-install'], 'install'),
    git: pair(v.git, v['no-git'], 'git'),
    overwrite: v.overwrite ?? false,
    interactive: pair(v.interactive, v['no-interactive'], 'interactive'),
    help: v.help ?? false,
    version: v.version ?? false,
  };
}
