import type { metrics } from '@opentelemetry/sdk-node';

// OpenTelemetry's Prometheus compatibility rules say a metric's unit is appended to its name
// (`ubom.work.duration`, unit `s` → `ubom_work_duration_seconds`); the JavaScript exporter only
// writes a `# UNIT` comment, so the names are completed here before its serializer runs.
const UNITS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  '%': 'percent',
};
const PER_UNITS: Readonly<Record<string, string>> = { s: 'second', min: 'minute', h: 'hour', d: 'day' };

/** The Prometheus suffix of an OpenTelemetry unit (UCUM): `s` → `seconds`, `By/s` → `bytes_per_second`, `{work}` → none. */
export function unitSuffix(unit: string): string {
  const plain = unit.replace(/\{[^}]*\}/g, '').trim();
  if (plain === '' || plain === '1') return '';
  const [what = '', per] = plain.split('/', 2);
  const main = what === '1' ? '' : (UNITS[what] ?? what);
  const suffix = per === undefined ? main : `${main}${main ? '_' : ''}per_${PER_UNITS[per] ?? per}`;
  return suffix.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** The same metrics, each named with its unit suffix (unless its name already ends with it). */
export function withUnitSuffixes(resource: metrics.ResourceMetrics): metrics.ResourceMetrics {
  return {
    ...resource,
    scopeMetrics: resource.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => {
        const suffix = unitSuffix(metric.descriptor.unit);
        const name = metric.descriptor.name;
        if (suffix === '' || name.replace(/[^a-zA-Z0-9]/g, '_').endsWith(`_${suffix}`)) return metric;
        return { ...metric, descriptor: { ...metric.descriptor, name: `${name}_${suffix}` } };
      }),
    })),
  };
}
