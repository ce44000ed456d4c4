import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin, type DockerExecutor } from '../src/executor';
import { ExitEvents } from '../src/exits';
import { countManaged, docker, dockerWork, IMAGE, RUN_LABELS } from './support/docker';
import { type EngineProxy, tcpEngine } from './support/proxy';

const exit3 = () => dockerWork({ command: ['sh', '-c', 'echo bye; exit 3'] });

let proxy: EngineProxy;
beforeAll(async () => {
  proxy = await tcpEngine();
});
afterAll(async () => {
  await proxy.close();
  expect(await countManaged()).toBe(0);
});

/** Polls `predicate` (connections close asynchronously); fails the test after 5 s. */
async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(predicate()).toBe(true);
}

/** An executor whose engine is reached through `proxy`, so its connections can be cut. */
async function proxied(): Promise<DockerExecutor> {
  const executor = createPlugin();
  await executor.initialize({ host: `tcp://127.0.0.1:${proxy.port}`, sweep_orphans: false });
  return executor;
}

describe('exit codes from the engine event stream', () => {
  it('reports the exit code of a managed container that dies', async () => {
    const exits = new ExitEvents(docker, 5000);
    expect(await exits.ready()).toBe(true);
    const container = await docker.createContainer({
      Image: IMAGE,
      Cmd: ['sh', '-c', 'exit 7'],
      Labels: { ...RUN_LABELS, 'ubom.managed': 'true', 'ubom.owner': 'exits-test' },
    });
    try {
      const { exited } = exits.watch(container.id);
      await container.start();
      expect(await exited).toBe(7);
    } finally {
      exits.close();
      await container.remove({ force: true });
    }
    expect(await exits.ready()).toBe(false);
  });

  it('a run gets its exit code from wait when the stream is closed', async () => {
    const executor = await proxied();
    executor.state.engine.exits.close();
    const result = await executor.execute(exit3(), {});
    expect(result.success).toBe(false);
    expect(result.outputs.exit_code).toBe(3);
    expect(result.outputs.stdout).toBe('bye\n');
    expect(executor.state.engine.exits.connected).toBe(false);
    await executor.shutdown();
  });

  it('reconnects after the engine dropped the stream', async () => {
    const executor = await proxied();
    expect((await executor.execute(exit3(), {})).outputs.exit_code).toBe(3);
    const state = executor.state;
    const exits = state.engine.exits;
    expect(exits.connected).toBe(true); // stays open between works
    await executor.state.idle();
    proxy.drop();
    await until(() => !exits.connected);
    const again = await executor.execute(exit3(), {});
    expect(again.outputs.exit_code).toBe(3);
    expect(exits.connected).toBe(true);
    await executor.shutdown();
    expect(exits.connected).toBe(false);
    expect(state.activeContainers).toBe(0);
  });
});
