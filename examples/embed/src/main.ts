import {
  DefaultPluginLoader,
  EnhancedWorkRegistry,
  type LogEntry,
  ValidationError,
  type Work,
} from '@ubom/core';

// The executors installed in this project (here @ubom/executor-process), found from their package.json
// manifests; a plugin is imported and initialized only when a work of its type first runs.
const loader = new DefaultPluginLoader();
const installed = await loader.discover();
const registry = new EnhancedWorkRegistry({
  resolveExecutor: async (type) => {
    const plugin = installed.find((p) => p.status === 'available' && p.workTypes.includes(type));
    return plugin && loader.initializePlugin(plugin.packageName);
  },
});

const proc = (id: string, script: string, timeout?: string): Work => ({
  ...{ id, type: 'process', executor_config: { command: ['node', '-e', script] } },
  ...(timeout ? { timeout } : {}),
});
const onLog = (entry: LogEntry) => console.log(`  ${entry.message}`);
const works: Work[] = [
  proc('greet', 'console.log("hello from a work")'),
  proc('slow', 'setTimeout(() => {}, 9e3)', '500ms'),
  { id: 'typo', type: 'process', executor_config: { comand: ['true'], timeout: 'soon' } },
];

for (const work of works) {
  try {
    const result = await registry.execute(work, { workflowId: 'embed' }, { onLog });
    const outcome = result.success ? 'succeeded' : `failed (${result.error})`;
    console.log(`${work.id}: ${outcome}, outputs ${JSON.stringify(result.outputs)}`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    console.log(`${work.id}: not run\n${error.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
}
await loader.shutdownAll();
