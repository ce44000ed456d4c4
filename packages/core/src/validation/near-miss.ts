import type { ValidationIssue } from '../errors';

const HINT = /did you mean "([^"]+)"\?/;
const parentOf = (path: string): string => path.replace(/(\.[^.[\]]+|\[[^\]]+\])$/, '');
const lastKey = (path: string): string => {
  const match = /(?:\.([^.[\]]+)|\["(.+)"\])$/.exec(path);
  return match?.[1] ?? match?.[2] ?? path;
};
/** A "this key is missing" issue, in core's wording or a schema library's. */
const isMissing = (issue: ValidationIssue): boolean =>
  issue.message === 'is required' || /received undefined$/.test(issue.message);

/**
 * One problem per typo: a key reported missing and an unknown key beside it whose "did you mean"
 * names it (`comand` for `command`) become the unknown-key problem alone.
 */
export function mergeNearMisses(issues: ValidationIssue[]): ValidationIssue[] {
  const hinted = new Set<string>();
  for (const issue of issues) {
    const hint = HINT.exec(issue.message)?.[1];
    if (hint !== undefined && issue.message.startsWith('unknown key'))
      hinted.add(`${parentOf(issue.path)}\u0000${hint}`);
  }
  if (hinted.size === 0) return issues;
  return issues.filter(
    (issue) => !(isMissing(issue) && hinted.has(`${parentOf(issue.path)}\u0000${lastKey(issue.path)}`)),
  );
}
