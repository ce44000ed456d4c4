export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn', 'bun'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

export const isPackageManager = (value: string): value is PackageManager =>
  (PACKAGE_MANAGERS as readonly string[]).includes(value);

/**
 * The package manager that runs us, from `npm_config_user_agent` (`pnpm/10.34.9 npm/? node/v20.20.2 …`),
 * which npm, pnpm, yarn and bun all set for `create` commands. `undefined` when unknown.
 */
export function fromUserAgent(userAgent: string | undefined): PackageManager | undefined {
  const name = userAgent?.split(' ')[0]?.split('/')[0];
  return name && isPackageManager(name) ? name : undefined;
}

/** The command that runs a package.json script: `npm run build`, `pnpm build`… */
export function runScript(pm: PackageManager, script: string): string {
  return pm === 'npm' ? `npm run ${script}` : `${pm} ${script}`;
}
