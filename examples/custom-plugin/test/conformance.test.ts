import { describeExecutorConformance } from '@ubom/testkit';
import { createPlugin } from 'ubom-plugin-greeting';

// What every plugin does: run the shared conformance suite against itself (here from the example, as
// the plugin ships no tests of its own).
describeExecutorConformance({
  name: 'ubom-plugin-greeting',
  createExecutor: async () => {
    const plugin = createPlugin();
    await plugin.initialize({});
    return plugin;
  },
  works: {
    valid: { id: 'ok', type: 'greeting', executor_config: { name: 'Ada', times: 2 } },
    expectedLines: ['Hello, Ada!', 'Hello, Ada!'],
    long: { id: 'long', type: 'greeting', executor_config: { name: 'Ada', times: 1000, interval: '100ms' } },
  },
  invalidConfigs: [
    { config: { name: '' }, path: 'executor_config.name' },
    { config: { name: 'Ada', language: 'la' }, path: 'executor_config.language' },
    { config: { name: 'Ada', interval: 'soon' }, path: 'executor_config.interval' },
    { config: { nam: 'Ada' }, path: 'executor_config.nam', message: /did you mean "name"/ },
  ],
});
