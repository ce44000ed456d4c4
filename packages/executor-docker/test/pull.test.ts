import type { LogEntry } from '@ubom/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DockerExecutor } from '../src/executor';
import { countManaged, docker, dockerWork, IMAGE, newExecutor } from './support/docker';
import { type FakeRegistry, startRegistry } from './support/registry';

const password = 'pw-7c1e9b5d-registry-secret';
const auth = { username: 'robot', password };

let executor: DockerExecutor;
let registry: FakeRegistry;
beforeAll(async () => {
  executor = await newExecutor();
  registry = await startRegistry({ username: 'robot', password });
});
afterEach(async () => {
  await docker
    .getImage(`${registry.repository}:latest`)
    .remove({ force: true })
    .catch(() => {});
});
afterAll(async () => {
  await executor.shutdown();
  await registry.close();
  expect(await countManaged()).toBe(0);
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );

/** Everything a caller could see of a run, as text: result or error (with stack and cause), and live logs. */
async function visible(run: (onLog: (e: LogEntry) => void) => Promise<unknown>): Promise<string> {
  const logs: LogEntry[] = [];
  const shown = await run((e) => logs.push(e)).then(
    (r) => JSON.stringify(r),
    (e: Error) => `${e.message}\n${e.stack}\n${String(e.cause)}\n${JSON.stringify(e)}`,
  );
  return `${shown}\n${JSON.stringify(logs)}`;
}

describe('pulling images', () => {
  it('pulls a missing image with the registry credentials (if-not-present), then reuses it', async () => {
    const work = dockerWork({ image: `${registry.repository}:latest`, command: ['echo', 'pulled'], auth });
    const first = await executor.execute(work, {});
    expect(first.success).toBe(true);
    expect(first.outputs.stdout).toBe('pulled\n');
    expect(first.outputs.image).toBe(`${registry.repository}@${registry.manifestDigest}`);
    expect(first.metrics.pullMs).toBeGreaterThan(0);
    expect(first.logs.map((l) => l.message)).toContain(`pulling image ${registry.repository}:latest`);
    expect(registry.authorizations).toContain(`Basic ${Buffer.from(`robot:${password}`).toString('base64')}`);
    expect(JSON.stringify(first)).not.toContain(password);

    const manifests = registry.manifestRequests;
    const second = await executor.execute(work, {});
    expect(second.success).toBe(true);
    expect(second.metrics.pullMs).toBe(0);
    expect(registry.manifestRequests).toBe(manifests);
  });

  it('pulls again with pull_policy always', async () => {
    const work = dockerWork({
      image: `${registry.repository}:latest`,
      command: ['true'],
      auth,
      pull_policy: 'always',
    });
    await executor.execute(work, {});
    const manifests = registry.manifestRequests;
    const again = await executor.execute(work, {});
    expect(again.success).toBe(true);
    expect(registry.manifestRequests).toBeGreaterThan(manifests);
  });

  it('a refused login is UNAVAILABLE, and neither the password nor the Basic credentials derived from it appear', async () => {
    const wrong = 'wrong-pw-3a8d0f-not-shown';
    // "robot-x:" is 8 bytes: the base64 of the password alone is not a part of the base64 of the pair
    const work = dockerWork({
      image: `${registry.repository}:latest`,
      command: ['true'],
      auth: { username: 'robot-x', password: wrong },
    });
    const basic = `Basic ${Buffer.from(`robot-x:${wrong}`).toString('base64')}`;
    const error = await failure(executor.execute(work, {}));
    expect(error?.code).toBe('UNAVAILABLE');
    expect(error?.message).toMatch(
      /^\[ubom\] \[docker\] could not pull image "127\.0\.0\.1:\d+\/ubom\/busybox:latest"/,
    );
    // the registry echoed the credentials it refused; the engine passed its words on
    expect(registry.authorizations).toContain(basic);
    expect(error?.message).toMatch(/\(refused: \*\*\*\)/);
    const text = await visible((onLog) => executor.execute(work, {}, { onLog }));
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(Buffer.from(wrong).toString('base64'));
    expect(text).not.toContain(basic.slice('Basic '.length));
    await executor.state.idle(); // earlier tests' containers, removed just after their results
    expect(await countManaged()).toBe(0);
  });

  it('an image the registry does not have is NOT_FOUND', async () => {
    const error = await failure(
      executor.execute(dockerWork({ image: `${registry.host}/ubom/nothing:1`, command: ['true'], auth }), {}),
    );
    expect(error?.code).toBe('NOT_FOUND');
  });

  it('an unreachable registry is UNAVAILABLE, and the auth token appears nowhere', async () => {
    const token = 'tok-0d4c2b-identity-token';
    const work = dockerWork({ image: '127.0.0.1:1/ubom/busybox:1', command: ['true'], auth: { token } });
    const error = await failure(executor.execute(work, {}));
    expect(error?.code).toBe('UNAVAILABLE');
    expect(await visible((onLog) => executor.execute(work, {}, { onLog }))).not.toContain(token);
  });

  it('a missing image with pull_policy never is a ValidationError at executor_config.image, without asking any registry', async () => {
    const requests = registry.authorizations.length;
    const work = dockerWork({
      image: `${registry.repository}:latest`,
      command: ['true'],
      pull_policy: 'never',
    });
    const issues = [
      {
        path: 'executor_config.image',
        message: `image "${registry.repository}:latest" is not on the engine and pull_policy is "never"`,
      },
    ];
    // the dry run asks the engine; execute refuses it the same way when the create finds no image
    await expect(executor.dryRun(work)).rejects.toMatchObject({ code: 'VALIDATION', issues });
    await expect(executor.execute(work, {})).rejects.toMatchObject({ code: 'VALIDATION', issues });
    expect(registry.authorizations.length).toBe(requests);
    expect(
      await executor.dryRun({ ...work, executor_config: { ...work.executor_config, image: IMAGE } }),
    ).toEqual({
      image: IMAGE,
      present: true,
    });
  });

  it('a cancel during the pull rejects with AbortError and creates nothing', async () => {
    let release = () => {};
    registry.holdBlobs = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const controller = new AbortController();
      const logs: string[] = [];
      const running = failure(
        executor.execute(
          dockerWork({ image: `${registry.repository}:latest`, command: ['true'], auth }),
          {},
          {
            signal: controller.signal,
            onLog: (e) => {
              logs.push(e.message);
              if (e.message.startsWith('pulling image')) setTimeout(() => controller.abort(), 200);
            },
          },
        ),
      );
      const error = await running;
      expect(error?.code).toBe('ABORTED');
      await executor.state.idle();
      expect(await countManaged()).toBe(0);
    } finally {
      release();
      registry.holdBlobs = undefined;
    }
  });
});
