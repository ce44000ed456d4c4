import { describe, expect, it } from 'vitest';
import { ubom } from './helpers';

describe('ubom schema', () => {
  it('prints the JSON Schema of executor_config for a type', async () => {
    const { code, stdout } = await ubom(['schema', 'process']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['command']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.secret_environment.additionalProperties.writeOnly).toBe(true);
  });

  it('--full prints the whole WorkSchema', async () => {
    const { code, stdout } = await ubom(['schema', 'process', '--full']);
    expect(code).toBe(0);
    const full = JSON.parse(stdout);
    expect(full.type).toBe('process');
    expect(full.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(full.config.properties.command).toBeDefined();
  });

  it('exits 2 naming the package for a type that is not installed', async () => {
    const { code, stdout, stderr } = await ubom(['schema', 'grpc']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^\[ubom\] no executor for type "grpc" — install @ubom\/executor-grpc \(searched: current folder .+\)\n$/,
    );
  });

  it('exits 2 for an unknown type, listing the known ones and the plugin naming convention', async () => {
    const { code, stderr } = await ubom(['schema', 'quantum']);
    expect(code).toBe(2);
    expect(stderr).toContain(
      '[ubom] no executor for type "quantum" — known types: process, docker, grpc, serverless, http, ssh; ' +
        'plugins are npm packages named ubom-plugin-<name> or @<scope>/ubom-plugin-<name> (searched: current folder ',
    );
  });
});

describe('ubom types', () => {
  it('lists the available types with executor name and version, and what is not installed', async () => {
    const { code, stdout } = await ubom(['types']);
    expect(code).toBe(0);
    const [head, row] = stdout.split('\n');
    expect(head).toMatch(/^TYPE\s+EXECUTOR\s+VERSION\s+DESCRIPTION$/);
    expect(row).toMatch(/^process\s+\S+\s+\d+\.\d+\.\d+\s+\S/);
    expect(stdout).toContain('docker: not installed — npm i @ubom/executor-docker');
  });

  it('--json lists the same as JSON', async () => {
    const { code, stdout } = await ubom(['types', '--json']);
    expect(code).toBe(0);
    const { types, missing } = JSON.parse(stdout);
    expect(types).toEqual([expect.objectContaining({ type: 'process', package: '@ubom/executor-process' })]);
    expect(types[0].version).toMatch(/^\d+\.\d+\.\d+/);
    expect(missing.map((m: { packageName: string }) => m.packageName)).toContain('@ubom/executor-docker');
  });
});

describe('ubom schema --work and --table', () => {
  it('--work prints a whole-work-file schema (envelope, type enum, config chosen by type) ', async () => {
    const { code, stdout } = await ubom(['schema', '--work']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.properties.type.enum).toEqual(['process']);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        '$schema',
        'id',
        'type',
        'name',
        'timeout',
        'labels',
        'inputs',
        'executor_config',
      ]),
    );
    const [branch] = schema.allOf;
    expect(branch.if.properties.type).toEqual({ const: 'process' });
    expect(branch.then.properties.executor_config.required).toEqual(['command']);
    expect(branch.then.properties.executor_config.$id).toBe('ubom:work-type/process/executor_config');
    expect(branch.then.properties.executor_config.$schema).toBeUndefined();
  });

  it('--table prints one row per field with its type, required, default, description and secret', async () => {
    const { code, stdout } = await ubom(['schema', 'process', '--table']);
    expect(code).toBe(0);
    const [head, ...rows] = stdout.trimEnd().split('\n');
    expect(head).toMatch(/^KEY\s+TYPE\s+REQUIRED\s+DEFAULT\s+DESCRIPTION\s+SECRET$/);
    expect(rows.find((r) => r.startsWith('command '))).toMatch(/^command\s+\S.*\s+yes\s/);
    expect(rows.find((r) => r.startsWith('secret_environment '))).toMatch(/yes$/);
  });
});
