import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackedPackage, packPackages, publicPackages } from '../../../scripts/pack.mjs';
import { NpmProject } from './npm-project';

/*
 * @opentelemetry/api is an optional peer of @ubom/core: the packed core must run works whether it is
 * installed or not, from its ESM and its CJS build alike.
 */
const work = mkdtempSync(join(tmpdir(), 'ubom-telemetry-packaging-'));
let packed: PackedPackage[] = [];
beforeAll(async () => {
  const out = join(work, 'tarballs');
  mkdirSync(out);
  const wanted = ['@ubom/core', '@ubom/executor-process'];
  packed = await packPackages(
    out,
    publicPackages().filter((p) => wanted.includes(p.pkg.name)),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const GIVEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** A process work printing $TRACEPARENT through the registry; prints what the script found as JSON. */
const script = (load: string, sdk: boolean) => `
const load = ${load};
(async () => {
  const core = await load('@ubom/core');
  const { createPlugin } = await load('@ubom/executor-process');
  let exporter;
  if (${sdk}) {
    const api = await load('@opentelemetry/api');
    const base = await load('@opentelemetry/sdk-trace-base');
    exporter = new base.InMemorySpanExporter();
    // no context manager registered: the executor's span must find its parent all the same
    api.trace.setGlobalTracerProvider(
      new base.BasicTracerProvider({ spanProcessors: [new base.SimpleSpanProcessor(exporter)] }),
    );
  }
  const registry = new core.EnhancedWorkRegistry();
  registry.registerExecutor('process', createPlugin());
  const work = { id: 'w', type: 'process', executor_config: { command: ['sh', '-c', 'echo "$TRACEPARENT"'] } };
  const result = await registry.execute(work, { traceparent: '${GIVEN}' });
  const spans = (exporter?.getFinishedSpans() ?? []).map((s) => ({
    name: s.name,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parent: s.parentSpanContext?.spanId,
  }));
  console.log(JSON.stringify({ success: result.success, printed: result.outputs.stdout.trim(), spans }));
})();
`;

async function both(project: NpmProject, sdk: boolean) {
  const esm = await project.node(script('(n) => import(n)', sdk), { esm: true });
  const cjs = await project.node(script('async (n) => require(n)', sdk));
  return [esm, cjs].map((run) => {
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as {
      success: boolean;
      printed: string;
      spans: Array<{ name: string; traceId: string; spanId: string; parent?: string }>;
    };
  });
}

describe('@ubom/core with and without @opentelemetry/api', () => {
  it('without it installed, works run and the given traceparent is passed through (ESM and CJS)', async () => {
    const project = new NpmProject(join(work, 'no-api'));
    await project.install(packed.map((p) => p.tarball));
    expect(project.installed().has('@opentelemetry/api')).toBe(false);
    for (const out of await both(project, false))
      expect(out).toEqual({ success: true, printed: GIVEN, spans: [] });
  });

  it('with the API and an SDK installed, the work and its process are spans in the given trace (ESM and CJS)', async () => {
    const project = new NpmProject(join(work, 'with-sdk'));
    await project.install([
      ...packed.map((p) => p.tarball),
      '@opentelemetry/api@~1.9.1',
      '@opentelemetry/sdk-trace-base@~2.12.1',
    ]);
    for (const out of await both(project, true)) {
      expect(out.success).toBe(true);
      const workSpan = out.spans.find((s) => s.name === 'ubom.work process');
      const call = out.spans.find((s) => s.name === 'process sh');
      expect(workSpan?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(workSpan?.parent).toBe('b7ad6b7169203331');
      expect(call?.parent).toBe(workSpan?.spanId);
      expect(out.printed).toBe(`00-${call?.traceId}-${call?.spanId}-01`);
    }
  });
});
