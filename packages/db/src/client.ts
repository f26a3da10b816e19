import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** A Drizzle database over either driver; repos only use this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or a transaction: repo functions accept both. */
export type DbOrTx = Db | Tx;

export type DbHandle = {
  db: Db;
  kind: "postgres" | "pglite";
  /** Applies the committed SQL migrations; safe to call from several replicas at once. */
  migrate: () => Promise<void>;
  /** Checks the database answers (used by /readyz). */
  ping: () => Promise<void>;
  close: () => Promise<void>;
  /** The pg pool (postgres only), for LISTEN/NOTIFY and diagnostics. */
  pool: pg.Pool | null;
  /**
   * Runs `fn` on one connection held for its whole duration (PGlite has only one), for work that
   * needs session state across statements, such as a session advisory lock around a transaction.
   */
  withConnection: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
};

const here = dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_FOLDER = resolve(here, "../migrations");
/** The repository root, where `.data/` lives by default. */
export const REPO_ROOT = resolve(here, "../../..");

/**
 * Migrations are pending and this database role may not apply them: it does not own the schema.
 * Run `pnpm db:migrate` as the owning role first (README "Least-privilege database role").
 */
export class MigrationPermissionError extends Error {
  constructor(cause: unknown) {
    super(
      "Database migrations are pending, and this role may not apply them (permission denied): run `pnpm db:migrate` with DATABASE_URL of the role that owns the tables, then start Bridle again (README \"Least-privilege database role\")",
      { cause },
    );
    this.name = "MigrationPermissionError";
  }
}

const sqlState = (e: unknown): string | undefined => {
  const err = e as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = err?.code ?? err?.cause?.code;
  return typeof code === "string" ? code : undefined;
};
const permissionDenied = (e: unknown) => sqlState(e) === "42501";

/**
 * Whether every committed migration is recorded as applied, read as drizzle's migrator reads it
 * (the latest `created_at` in drizzle.__drizzle_migrations against each migration's timestamp).
 * False when the table is missing or unreadable: the migrator then runs, or says why it cannot.
 */
async function migrationsApplied(client: pg.PoolClient): Promise<boolean> {
  const newest = Math.max(0, ...readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m) => m.folderMillis));
  try {
    const { rows } = await client.query<{ at: string | null }>(`select max(created_at)::text as at from "drizzle"."__drizzle_migrations"`);
    return rows[0]?.at !== null && rows[0]?.at !== undefined && Number(rows[0].at) >= newest;
  } catch {
    return false;
  }
}

/** Advisory lock id for migrations ("bridle" in ASCII), so replicas starting together migrate once. */
const MIGRATION_LOCK = 0x627269646c65;

export type CreateDbOptions = {
  /** PostgreSQL URL; when absent, embedded PGlite is used with its data in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite data directory (default `<repo>/.data/pglite`); `memory://` for an in-memory database. */
  dataDir?: string | undefined;
  poolSize?: number | undefined;
};

/** Opens the database: PostgreSQL through `pg` when a URL is given, embedded PGlite otherwise. */
export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  if (options.databaseUrl) {
    // JIT off: PostgreSQL compiles a plan whose estimated cost passes jit_above_cost (100,000)
    // with LLVM, which takes milliseconds. Bridle's statements are short and indexed, yet a batch of
    // runtime events or a seal run passes that estimate: compiling cost more than running
    // (`pnpm bench:events`: PostgreSQL's CPU a runtime event 51.7 us with JIT off against 70.9-96.7
    // on, a third of it in LLVM). A SET in pg-pool's `onConnect` (awaited before the connection is
    // handed out), not the `options` startup parameter, which poolers such as PgBouncer refuse.
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      onConnect: async (client) => {
        await client.query("set jit = off");
      },
    });
    const db = drizzleNodePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      pool,
      migrate: async () => {
        const client = await pool.connect();
        try {
          await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
          try {
            // Nothing to apply (every start of an up-to-date replica): no DDL at all, so a role that
            // owns nothing starts once the owning role has migrated (README "Least-privilege database role").
            if (await migrationsApplied(client)) return;
            await migrateNodePg(drizzleNodePg(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }).catch((e: unknown) => {
              throw permissionDenied(e) ? new MigrationPermissionError(e) : e;
            });
          } finally {
            await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
          }
        } finally {
          client.release();
        }
      },
      ping: async () => {
        await pool.query("select 1");
      },
      withConnection: async (fn) => {
        const client = await pool.connect();
        try {
          return await fn(drizzleNodePg(client, { schema }) as unknown as Db);
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const dataDir = options.dataDir ?? resolve(REPO_ROOT, ".data/pglite");
  const release = dataDir.startsWith("memory://") ? () => {} : lockDataDir(dataDir);
  const client = new PGlite(dataDir);
  const pgliteDb = drizzlePglite(client, { schema });
  const db = pgliteDb as unknown as Db;
  return {
    db,
    kind: "pglite",
    pool: null,
    migrate: () => migratePglite(pgliteDb, { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    withConnection: (fn) => fn(db),
    close: async () => {
      await client.close();
      release();
    },
  };
}

/**
 * PGlite is embedded: two processes on one data directory would silently lose each other's
 * writes. A pid file refuses the second one (a stale file from a dead process is taken over).
 * @returns a function that releases the lock
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = resolve(dataDir, "bridle.pid");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
      throw new Error(
        `The embedded database in ${dataDir} is in use by process ${pid}. Stop that process (the server, or another pnpm bridle) first, or set DATABASE_URL to use PostgreSQL.`,
      );
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
