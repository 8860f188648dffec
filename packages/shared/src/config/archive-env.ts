import { z } from 'zod';
import { intEnv } from './env-schemas';

const blankIsUnset = (raw: unknown) =>
  typeof raw === 'string' && raw.trim() === '' ? undefined : raw;

/** The archive's variables (#20), read by the API and the worker alike. */
export const archiveEnvShape = {
  DATABASE_URL: z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  ARCHIVE_DIR: z.preprocess(blankIsUnset, z.string().optional()),
  ARCHIVE_RETENTION_DAYS: intEnv(180, 1, 3650),
  ARCHIVER: z.enum(['auto', 'on', 'off']).default('auto'),
};

/** Where the archive is and who writes it. */
export interface ArchiveConfig {
  /** `DATABASE_URL` (PostgreSQL), else `ARCHIVE_DIR` (embedded PGlite); neither = no archive. */
  databaseUrl?: string;
  embeddedDir?: string;
  retentionDays: number;
  /** Whether this process runs an archiver (`ARCHIVER`; `auto` is decided by each process). */
  archiver: 'auto' | 'on' | 'off';
  /** Whether record changes are appended to the change stream (`DATABASE_URL` or `ARCHIVE_DIR`). */
  recordChanges: boolean;
}

/** The {@link ArchiveConfig} of a parsed environment. */
export function archiveConfigOf(e: {
  DATABASE_URL?: string;
  ARCHIVE_DIR?: string;
  ARCHIVE_RETENTION_DAYS: number;
  ARCHIVER: 'auto' | 'on' | 'off';
}): ArchiveConfig {
  return {
    databaseUrl: e.DATABASE_URL,
    embeddedDir: e.DATABASE_URL === undefined ? e.ARCHIVE_DIR : undefined,
    retentionDays: e.ARCHIVE_RETENTION_DAYS,
    archiver: e.ARCHIVER,
    recordChanges: e.DATABASE_URL !== undefined || e.ARCHIVE_DIR !== undefined,
  };
}

/** The password of a database URL, for the redactor, so no log line ever shows it. */
export function databasePassword(url: string | undefined): string | undefined {
  if (url === undefined) {
    return undefined;
  }
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
