import { defineExecutor, parseDuration, UnavailableError, ValidationError } from '@ubom/core';
import { version } from '../package.json';
import { abortable } from './abortable';
import { sshConfigSchema, sshPluginConfigSchema } from './config';
import { SCOPE } from './connect';
import { openExec, runExec, stopRemoteGroup } from './exec';
import { toOutcome } from './mapping';
import { remoteCommand, stopGroupCommand } from './remote-command';
import { sourceProblems, uploadFiles } from './sftp';
import { acquire, stateOf } from './state';
import { recordExit, withTraceEnvironment } from './telemetry';
import { configIssues } from './validate';

export const SSH_WORK_TYPE = 'ssh';
/**
 * A cancel while the session opens: how long its opening may still take. A command the server starts
 * is then stopped like any other; past this the server is taken for hung and the connection dropped.
 */
const OPEN_GRACE_MS = 5000;
/** Beyond the grace period, how long the stop of a process group may take (a second session to open). */
const STOP_SLACK_MS = 5000;

/** Runs a command on a remote host over SSH, host keys verified, connections pooled. */
export const createPlugin = defineExecutor({
  name: '@ubom/executor-ssh',
  version,
  type: SSH_WORK_TYPE,
  description: 'Runs commands on remote hosts over SSH',
  homepage: 'https://github.com/ubom/ubom/tree/main/packages/executor-ssh',
  config: sshConfigSchema,
  pluginConfig: sshPluginConfigSchema,
  capabilities: { pooling: true },

  setup: ({ config }) => stateOf(config),
  teardown: (state) => state.pool.closeAll(),
  validate: ({ config }) => configIssues(config),

  /** Connects, checks the host key and authenticates (through the pool), and reads the local uploads. */
  async dryRun({ config, state, signal }) {
    const lease = await acquire(state, config, signal);
    lease.release();
    const problem = await sourceProblems(config.upload ?? []);
    if (problem) throw problem;
    return { host: config.host, connectionReused: lease.reused };
  },

  async run({ config, state, signal, log, lines, span, traceCarrier }) {
    for (const hop of [config.jump_host, config] as const)
      if (hop?.insecure_accept_any_host_key)
        log('warn', `the host key of ${hop.host}:${hop.port} is NOT verified (insecure_accept_any_host_key)`);
    const attributes = { 'server.address': config.host, 'server.port': config.port };
    return span('ssh exec', attributes, async (s) => {
      const environment = withTraceEnvironment(config, traceCarrier());
      const command = remoteCommand(environment === undefined ? config : { ...config, environment });
      const graceMs = parseDuration(config.kill_grace_period) ?? 5000;
      let lease = await acquire(state, config, signal);
      const where = `${config.username}@${config.host}:${config.port}`;
      log(
        'debug',
        lease.reused ? `reusing a connection to ${where}` : `connected to ${where} in ${lease.connectMs} ms`,
      );
      try {
        const upload = config.upload && (await uploadFiles(lease.conn.client, config.upload, signal));
        let channel = await abortable(
          openExec(lease.conn.client, command, config.pty),
          signal,
          OPEN_GRACE_MS,
        ).catch(() => {
          signal.throwIfAborted();
          return undefined;
        });
        if (!channel) {
          // a pooled connection that went stale (or reached the server's session limit): once on a new one
          lease.discard();
          lease = await acquire(state, config, signal, { fresh: true });
          channel = await abortable(
            openExec(lease.conn.client, command, config.pty),
            signal,
            OPEN_GRACE_MS,
          ).catch((error: Error) => {
            signal.throwIfAborted();
            throw new UnavailableError(`the server refused a session on ${where}: ${error.message}`, {
              scope: SCOPE,
              cause: error,
            });
          });
        }
        const client = lease.conn.client;
        const outcome = await runExec(channel, {
          client,
          command,
          pty: config.pty,
          signal,
          graceMs,
          stdout: lines('stdout'),
          stderr: lines('stderr'),
          notice: (level, message) => log(level, message),
          stopGroup: (pid) =>
            stopRemoteGroup(client, stopGroupCommand(pid, graceMs / 1000), graceMs + STOP_SLACK_MS),
        });
        if (outcome.broken) lease.discard();
        else lease.release();
        const result = toOutcome(outcome, {
          host: config.host,
          reused: lease.reused,
          connectMs: lease.connectMs,
          upload,
        });
        recordExit(s, result);
        return result;
      } catch (error) {
        // a refused upload leaves the connection fine; a failure or a cancel mid-way may not have
        if (error instanceof ValidationError) lease.release();
        else lease.discard();
        throw error;
      }
    });
  },
});

/** The plugin `createPlugin()` makes (a `KernelPlugin`). */
export type SshExecutor = ReturnType<typeof createPlugin>;

/** The JSON Schema of `executor_config` (draft 2020-12, the kernel's `timeout` included): `getSchema().config`. */
export const sshConfigJsonSchema = createPlugin().getSchema().config;
