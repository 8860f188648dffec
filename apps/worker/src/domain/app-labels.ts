/** The `app_id` label of apps past the labelled ones. */
export const OTHER_APPS_LABEL = 'other';

/**
 * The `app_id` label of metrics, bounded: the first `limit` apps a process sees keep their own
 * label and every later one shares {@link OTHER_APPS_LABEL}, so the number of series does not grow
 * with the number of apps (`METRICS_APP_LABELS`). 0 labels every app `other`.
 */
export function boundedAppLabels(limit: number): (appId: string) => string {
  const labelled = new Set<string>();
  return (appId) => {
    if (labelled.has(appId)) {
      return appId;
    }
    if (labelled.size < limit) {
      labelled.add(appId);
      return appId;
    }
    return OTHER_APPS_LABEL;
  };
}
