import { z } from 'zod';

/** The shortest `METRICS_TOKEN` accepted: a scrape credential is a secret like an API key. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

/**
 * `METRICS_TOKEN`: when set, `/metrics` (API and worker) wants `Authorization: Bearer <token>`;
 * unset or empty, it stays open, as in v1.
 */
export const metricsTokenEnv = z
  .string()
  .optional()
  .transform((raw) => (raw === '' ? undefined : raw))
  .pipe(
    z
      .string()
      .regex(/^\S+$/, 'must not contain spaces')
      .min(METRICS_TOKEN_MIN_LENGTH, `must be at least ${METRICS_TOKEN_MIN_LENGTH} characters`)
      .optional(),
  );
