/** What {@link dropMisnamedDefaults} needs of a prom-client registry. */
export interface MetricRegistry {
  removeSingleMetric(name: string): void;
}

/**
 * prom-client's default gauges that end in `_total`, which the Prometheus naming rules keep for
 * counters (`promtool check metrics` fails on them). Each has an unsuffixed twin by type
 * (`nodejs_active_handles{type}`), whose sum is the same number.
 */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Removes {@link MISNAMED_DEFAULTS} (with the registry's prefix) after collectDefaultMetrics. */
export function dropMisnamedDefaults(registry: MetricRegistry, prefix: string): void {
  for (const name of MISNAMED_DEFAULTS) {
    registry.removeSingleMetric(`${prefix}${name}`);
  }
}
