import { randomBytes } from 'node:crypto';
import { EnhancedWorkRegistry, type LogEntry, type Work } from '@ubom/core';
import { leakedEncodings, type SecretEncoding, secretEncodings } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerExecutor } from '../src/executor';
import { countManaged, dockerWork, newExecutor } from './support/docker';

/*
 * A secret_environment value printed by the container in every encoding core masks (testkit's
 * secretEncodings), through every channel: live logs (onLog), result logs, outputs (stdout, stderr,
 * the outputs_file's result), the error of the failed work, and the error a work that could not
 * start rejects with. The container
 * computes the encodings from the variable itself; the same script run on a plain variable proves
 * the shell encoder writes exactly what Node's encoders do.
 */

/**
 * `enc VALUE MODE [lower]` percent-encodes VALUE byte by byte like encodeURIComponent (`component`),
 * encodeURI (`uri`) or URLSearchParams (`form`: `+` for a space); `lower` writes `%xx` in lowercase.
 */
const ENCODER = String.raw`
enc() {
  lo=$(printf %s "$1" | od -An -tx1 -v)
  up=$(printf %s "$lo" | tr a-f A-F)
  mode=$2
  lower=$3
  set -- $up
  fmt=
  for h in $lo; do
    u=$1
    shift
    keep=
    case $h in 3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]|2d|5f|2e) keep=1 ;; esac
    case $mode in
      component) case $h in 21|7e|2a|27|28|29) keep=1 ;; esac ;;
      uri) case $h in 21|7e|2a|27|28|29|3b|2c|2f|3f|3a|40|26|3d|2b|24|23) keep=1 ;; esac ;;
      form) case $h in 2a) keep=1 ;; 20) fmt="$fmt+"; continue ;; esac ;;
    esac
    if [ -n "$keep" ]; then fmt="$fmt\x$h"
    elif [ "$lower" = lower ]; then fmt="$fmt%%$h"
    else fmt="$fmt%%$u"; fi
  done
  printf "$fmt"
}
forms() {
  printf 'as_is=%s\n' "$1"
  printf 'base64=%s\n' "$(printf %s "$1" | base64)"
  printf 'base64_unpadded=%s\n' "$(printf %s "$1" | base64 | tr -d =)"
  printf 'base64url=%s\n' "$(printf %s "$1" | base64 | tr -d = | tr '+/' '-_')"
  printf 'hex=%s\n' "$(printf %s "$1" | od -An -tx1 -v | tr -d ' \n')"
  printf 'HEX=%s\n' "$(printf %s "$1" | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F)"
  printf 'uri_component=%s\n' "$(enc "$1" component)"
  printf 'uri_component_lower=%s\n' "$(enc "$1" component lower)"
  printf 'uri=%s\n' "$(enc "$1" uri)"
  printf 'form=%s\n' "$(enc "$1" form)"
  printf 'json=%s\n' "$(printf %s "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}
`;

/** What Node writes for each form the script prints. */
const nodeForms = secretEncodings;

const FORM_NAMES = Object.keys(nodeForms('x')) as SecretEncoding[];
// a space and "/" (form-encoding writes "+", encodeURI keeps "/"), "+", "~", "*", "!", a non-ASCII
// letter; 25 bytes, so base64 is padded
const secret = `s3cr t/${randomBytes(6).toString('hex')}+é~*!`;
const plain = `pl4i n/${randomBytes(6).toString('hex')}+é~*!`;

/** Every form of the secret the masker must catch, and that no channel may hold. */
const leaks = (text: string): string[] => leakedEncodings(text, secret);

let executor: DockerExecutor;
let registry: EnhancedWorkRegistry;
beforeAll(async () => {
  executor = await newExecutor();
  registry = new EnhancedWorkRegistry();
  registry.registerExecutor('docker', executor);
});
afterAll(async () => {
  await executor.shutdown();
  expect(await countManaged()).toBe(0);
});

describe('a secret_environment value in every encoding, through every channel', () => {
  it('is masked in live logs, result logs, outputs, the outputs_file result and the error', async () => {
    const script = `${ENCODER}${String.raw`
# each variable's forms, computed once
forms "$PLAIN" > /tmp/PLAIN
forms "$SECRET" > /tmp/SECRET
for v in PLAIN SECRET; do
  while IFS= read -r line; do echo "$v $line"; echo "$v $line" >&2; done < /tmp/$v
done
# the outputs_file: every form as JSON (none holds a quote or a backslash)
{
  printf '{'
  for v in PLAIN SECRET; do
    printf '"%s":{' "$v"
    sed 's/^\([^=]*\)=\(.*\)$/"\1":"\2",/' /tmp/$v | tr -d '\n' | sed 's/,$//'
    printf '},'
  done
  printf '"end":true}'
} > /tmp/out.json
# the last stderr lines become the error: every form of the secret on one line
echo "SECRET all: $(sed 's/^[^=]*=//' /tmp/SECRET | tr '\n' '|')" >&2
exit 3`}`;
    const live: LogEntry[] = [];
    const result = await registry.execute(
      dockerWork({
        command: ['sh', '-c', script],
        environment: { PLAIN: plain },
        secret_environment: { SECRET: secret },
        outputs_file: '/tmp/out.json',
      }) as Work,
      {},
      { onLog: (e) => live.push(e) },
    );

    expect(result.success).toBe(false);
    // the shell's encodings are Node's: the plain variable's lines are exact
    const plainLines = FORM_NAMES.map((name) => `PLAIN ${name}=${nodeForms(plain)[name]}`);
    const secretLines = FORM_NAMES.map((name) => `SECRET ${name}=***`);
    const stdout = live.filter((e) => e.source === 'stdout').map((e) => e.message);
    expect(stdout).toEqual([...plainLines, ...secretLines]);
    expect(result.logs.filter((e) => e.source === 'stdout').map((e) => e.message)).toEqual(stdout);
    expect(result.outputs.stdout).toBe(`${[...plainLines, ...secretLines].join('\n')}\n`);
    expect(result.outputs.result).toEqual({
      PLAIN: nodeForms(plain),
      SECRET: Object.fromEntries(FORM_NAMES.map((name) => [name, '***'])),
      end: true,
    });
    expect(result.error).toMatch(/^the container exited with code 3/);
    expect(result.error).toContain(`SECRET all: ${FORM_NAMES.map(() => '***').join('|')}|`);

    // nothing of the secret anywhere: live entries, the whole result (logs, outputs, error, metrics)
    const channels = {
      live: JSON.stringify(live),
      liveMessages: live.map((e) => e.message).join('\n'),
      logs: result.logs.map((e) => e.message).join('\n'),
      stdout: String(result.outputs.stdout),
      stderr: String(result.outputs.stderr),
      outputsFile: JSON.stringify(result.outputs.result),
      error: String(result.error),
      result: JSON.stringify(result),
    };
    for (const [channel, text] of Object.entries(channels))
      expect({ channel, leaks: leaks(text) }).toEqual({ channel, leaks: [] });
  });

  it('is masked in the error a work that could not start rejects with', async () => {
    // the engine names the missing executable (here the secret's value, as is and encoded) in its error
    const error = await registry
      .execute(
        dockerWork({
          command: [`/no/such/${secret}`],
          secret_environment: { SECRET: secret },
        }) as Work,
        {},
      )
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
    expect(error?.code).toBe('NOT_FOUND');
    expect(error?.message).toContain('***');
    const seen = [
      error?.message,
      error?.stack,
      JSON.stringify(error),
      String((error?.cause as Error)?.message),
    ].join('\n');
    expect(leaks(seen)).toEqual([]);
  });

  // A 32 KB secret (a kubeconfig, a bundle of keys): once every form of it was one regular expression,
  // which V8 refused ("Regular expression too large"), and the SyntaxError thrown while masking the
  // first log line ended the worker process. (The value goes to outputs_file: a log line longer than
  // 16 KB is split into entries, and a secret split across entries cannot be masked by value, a known
  // limit.)
  const big = randomBytes(24 * 1024).toString('base64');
  it('a 32 KB secret value is masked too, and the work resolves', async () => {
    const result = await registry.execute(
      dockerWork({
        command: ['sh', '-c', 'echo hello; printf \'{"v":"%s"}\' "$BIG" > /tmp/out.json'],
        secret_environment: { BIG: big },
        outputs_file: '/tmp/out.json',
      }) as Work,
      {},
    );
    expect(result.success).toBe(true);
    expect(result.outputs.stdout).toBe('hello\n');
    expect(result.outputs.result).toEqual({ v: '***' });
    expect(JSON.stringify(result)).not.toContain(big.slice(0, 64));
  });
});
