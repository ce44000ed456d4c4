import type { SshConfigInput } from './config';

export {
  type SshConfig,
  type SshConfigInput,
  type SshEndpoint,
  type SshPluginConfig,
  type SshUpload,
  sshConfigSchema,
  sshPluginConfigSchema,
} from './config';
/** The plugin entry point the loader calls: `createPlugin()`. */
export { createPlugin, SSH_WORK_TYPE, type SshExecutor, sshConfigJsonSchema } from './executor';
export { fingerprintOf, parseKnownHosts } from './host-keys';
export { commandText, shellQuote } from './remote-command';

/** `ssh` works written in TypeScript are checked against this config (`registry.execute`, `defineWork`). */
declare module '@ubom/core' {
  interface WorkTypes {
    ssh: SshConfigInput;
  }
}
