import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, type Dialect } from 'kysely';

import { PGliteDialect } from 'kysely-pglite-dialect';
import { Pool } from 'pg';
import { ARCHIVE_MIGRATIONS } from './archive-migrations';
import type { ArchiveTables } from './archive-tables';

/** Where the archive lives: a PostgreSQL server (`DATABASE_URL`) or an embedded PGlite directory. */
export type ArchiveLocation = { databaseUrl: string } | { embeddedDir: string };

/** An open archive database with its schema migrated. */
export interface ArchiveDatabase {
  db: Kysely<ArchiveTables>;
  /** `postgres` or `embedded`, for logs and readiness. */
  kind: 'postgres' | 'embedded';
  close(): Promise<void>;
}

/** How long a PostgreSQL query may take before it fails, so a hung server answers 503. */
const STATEMENT_TIMEOUT_MS = 5000;

/**
 * Opens the archive and brings its schema up to date (Kysely's Migrator, with the migrations of
 * archive-migrations.ts). The embedded database is PGlite (PostgreSQL compiled to WebAssembly)
 * in `embeddedDir`, with the same schema and queries: one process only may open it.
 * @throws Error when the database cannot be reached or a migration fails
 */
export async function openArchiveDatabase(location: ArchiveLocation): Promise<ArchiveDatabase> {
  const { dialect, kind, release } = dialectOf(location);
  const db = new Kysely<ArchiveTables>({ dialect });
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(ARCHIVE_MIGRATIONS) },
    });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      throw error instanceof Error ? error : new Error('archive migration failed');
    }
  } catch (error) {
    await db.destroy();
    await release();
    throw error;
  }
  return {
    db,
    kind,
    close: async () => {
      await db.destroy();
      await release();
    },
  };
}

function dialectOf(location: ArchiveLocation): {
  dialect: Dialect;
  kind: ArchiveDatabase['kind'];
  release: () => Promise<void>;
} {
  if ('databaseUrl' in location) {
    const pool = new Pool({
      connectionString: location.databaseUrl,
      max: 4,
      connectionTimeoutMillis: STATEMENT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
    });
    // An idle client's error (the server restarted) must not crash the process; the pool
    // replaces the client and the next query reports the outage.
    pool.on('error', () => undefined);
    // Kysely's destroy ends the pool.
    return { dialect: new PostgresDialect({ pool }), kind: 'postgres', release: async () => {} };
  }
  mkdirSync(location.embeddedDir, { recursive: true });
  const pglite = new PGlite(location.embeddedDir);
  return {
    dialect: new PGliteDialect(pglite),
    kind: 'embedded',
    release: async () => {
      if (!pglite.closed) {
        await pglite.close();
      }
    },
  };
}
