import { EnhancedWorkRegistry, ValidationError } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import { createPlugin, loadOptional } from '../src';
import { sdksFor } from '../src/lazy';

// "Missing" is real here: these names resolve through Node's resolver and are not installed.
const MISSING = '@ubom-test/not-installed-lambda-sdk';

describe('optional SDKs', () => {
  it('names the package to install when a provider SDK is missing', async () => {
    const outcome = loadOptional(MISSING, 'aws');
    await expect(outcome).rejects.toBeInstanceOf(ValidationError);
    await expect(outcome).rejects.toThrow(`install ${MISSING} to use provider aws`);
    const error = (await outcome.then(
      () => undefined,
      (e: unknown) => e,
    )) as ValidationError;
    expect(error.issues).toEqual([
      { path: 'executor_config.provider', message: `install ${MISSING} to use provider aws` },
    ]);
    expect((error.cause as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('says which package to install for each provider', async () => {
    for (const [provider, name] of [
      ['aws', '@ubom-test/client-lambda-missing'],
      ['gcp', '@ubom-test/google-auth-library-missing'],
      ['azure', '@ubom-test/azure-identity-missing'],
    ] as const) {
      await expect(loadOptional(name, provider)).rejects.toThrow(
        `executor_config.provider: install ${name} to use provider ${provider}`,
      );
    }
  });

  it('tries again after a failed import (nothing is cached for a missing package)', async () => {
    await expect(loadOptional('not-installed-gcp-sdk', 'gcp')).rejects.toThrow(
      'install not-installed-gcp-sdk to use provider gcp',
    );
    await expect(loadOptional('not-installed-gcp-sdk', 'gcp')).rejects.toThrow(
      'install not-installed-gcp-sdk to use provider gcp',
    );
  });

  it('loads an installed SDK once and hands out the same module', async () => {
    const a = await loadOptional<{ LambdaClient: unknown }>('@aws-sdk/client-lambda', 'aws');
    const b = await loadOptional<{ LambdaClient: unknown }>('@aws-sdk/client-lambda', 'aws');
    expect(typeof a.LambdaClient).toBe('function');
    expect(b).toBe(a);
  });

  it('merges the CommonJS default export of an SDK with its named exports', async () => {
    const auth = await loadOptional<{ GoogleAuth: unknown; PassThroughClient: unknown }>(
      'google-auth-library',
      'gcp',
    );
    expect(typeof auth.GoogleAuth).toBe('function');
    expect(typeof auth.PassThroughClient).toBe('function');
  });

  it('asks only for the SDKs a work will use', () => {
    expect(sdksFor({ provider: 'aws', function: 'f' })).toEqual(['@aws-sdk/client-lambda']);
    expect(
      sdksFor({ provider: 'gcp', function: 'f', endpoint: 'http://x', credentials: { type: 'none' } }),
    ).toEqual([]);
    expect(sdksFor({ provider: 'gcp', function: 'f', endpoint: 'http://x' })).toEqual([
      'google-auth-library',
    ]);
    expect(sdksFor({ provider: 'gcp', function: 'f', project: 'p', region: 'r' })).toEqual([
      'google-auth-library',
      '@google-cloud/functions',
    ]);
    expect(
      sdksFor({
        provider: 'azure',
        function: 'f',
        app: 'a',
        credentials: { type: 'function_key', key: 'k' },
      }),
    ).toEqual([]);
    expect(sdksFor({ provider: 'azure', function: 'f', app: 'a', credentials: { type: 'default' } })).toEqual(
      ['@azure/identity', '@azure/arm-appservice'],
    );
  });

  it('validates a work whose SDK is installed, through the registry', async () => {
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('serverless', createPlugin());
    await expect(
      registry.validateWork({
        id: 'v',
        type: 'serverless',
        executor_config: { provider: 'aws', function: 'f', region: 'us-east-1' },
      }),
    ).resolves.toBeUndefined();
  });
});
