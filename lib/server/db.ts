// Which database the app talks to, opened once per process.
//   no DATABASE_URL              -> embedded PGlite, data in ./.data/pglite (NETMORTEM_DATA_DIR overrides)
//   DATABASE_URL=postgresql://…  -> PostgreSQL through @prisma/adapter-pg (`?schema=x` selects a schema)
import { lstatSync, mkdirSync, readlinkSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client";
import { lockDataDir } from "./dir-lock";
import { migrate, type SqlSession } from "./migrate";

export type DbKind = "pglite" | "postgresql";

export interface Database {
  kind: DbKind;
  prisma: PrismaClient;
  /** Raw SQL on one connection (migrations, advisory locks). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * LISTEN on `channel` (lower-case: PGlite does not deliver mixed-case channels). PostgreSQL: on a dedicated
   * client outside the pool, reconnected with backoff; `onReconnect` runs after each re-LISTEN, since what was
   * notified while disconnected is lost. PGlite: the in-process listen. Resolves once listening.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface PgliteOptions {
  /** Directory for the data; omitted = in memory (tests). */
  dataDir?: string;
}

/**
 * PGlite's PostgreSQL runs inside this process (WebAssembly), so its buffer pool is the server's RSS, and PGlite
 * touches all of it at start: the default 128 MB made an idle `npm start` ~300 MB before any request. 16 MB
 * (NETMORTEM_PGLITE_SHARED_BUFFERS, in PostgreSQL's units) halves that; the data files are read through the page cache.
 */
export function pgliteStartParams(env: Record<string, string | undefined> = process.env): string[] {
  const buffers = env.NETMORTEM_PGLITE_SHARED_BUFFERS?.trim() || "16MB";
  if (!/^\d+(kB|MB|GB)?$/.test(buffers)) throw new Error(`NETMORTEM_PGLITE_SHARED_BUFFERS=${buffers}: give a size such as 16MB`);
  return [...PGlite.defaultStartParams, "-c", `shared_buffers=${buffers}`];
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Database> {
  let release: () => void = () => undefined;
  let client: PGlite;
  if (opts.dataDir) {
    // PGlite's file system layer cannot open a data dir through a symlink (it failed with a bare
    // `{ errno: … }` object, shown as "[object Object]"): open the directory the link points to
    let dataDir = path.resolve(/*turbopackIgnore: true*/ opts.dataDir);
    try {
      dataDir = realpathSync(/*turbopackIgnore: true*/ dataDir);
    } catch {
      // not there yet: PGlite creates it; but a link to nowhere it cannot create (it failed with EEXIST from mkdir)
      const link = lstatSync(/*turbopackIgnore: true*/ dataDir, { throwIfNoEntry: false });
      if (link?.isSymbolicLink()) {
        throw new Error(`the database directory ${dataDir} is a symbolic link to ${readlinkSync(/*turbopackIgnore: true*/ dataDir)}, which does not exist (or is a link loop): make that directory or point NETMORTEM_DATA_DIR elsewhere`);
      }
    }
    const st = statSync(/*turbopackIgnore: true*/ dataDir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) {
      // PGlite threw a bare { name: "ErrnoError", errno: 54 } for this
      throw new Error(`the database directory ${opts.dataDir}${dataDir !== path.resolve(/*turbopackIgnore: true*/ opts.dataDir) ? ` (${dataDir})` : ""} is not a directory: point NETMORTEM_DATA_DIR at a directory`);
    }
    mkdirSync(/*turbopackIgnore: true*/ path.dirname(dataDir), { recursive: true });
    release = lockDataDir(dataDir);
    try {
      client = await PGlite.create({ dataDir, startParams: pgliteStartParams() });
    } catch (err) {
      release();
      throw err;
    }
  } else {
    client = await PGlite.create();
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
  const session: SqlSession = {
    kind: "pglite",
    query: async <R extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await client.query<R>(sql, params)).rows,
    exec: async (sql) => {
      await client.exec(sql);
    },
  };
  let closed = false;
  return {
    kind: "pglite",
    prisma,
    withSession: (fn) => fn(session),
    listen: async (channel, onPayload) => {
      const unlisten = await client.listen(channel, onPayload);
      return async () => {
        if (!closed) await unlisten();
      };
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await client.close();
      release();
    },
  };
}

export interface PostgresOptions {
  url: string;
  /** Schema to use instead of the server's default search_path (tests use a throwaway one). */
  schema?: string;
  maxConnections?: number;
}

export async function openPostgres(opts: PostgresOptions): Promise<Database> {
  const url = new URL(opts.url);
  // `schema` is Prisma's URL convention, not libpq's: pg would send it to the server as an unknown setting.
  const schema = opts.schema ?? url.searchParams.get("schema") ?? undefined;
  url.searchParams.delete("schema");
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: opts.maxConnections ?? 10,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  // An idle client dying (server restart) must not take the process down with an unhandled 'error' event.
  pool.on("error", (err) => console.error("[db] idle PostgreSQL connection failed:", err.message));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, schema ? { schema } : undefined) });
  let closed = false;
  const listeners = new Set<() => Promise<void>>();
  return {
    kind: "postgresql",
    prisma,
    listen: async (channel, onPayload, onReconnect) => {
      const stop = await listenPostgres(url.toString(), channel, onPayload, onReconnect);
      const remove = async () => {
        listeners.delete(remove);
        await stop();
      };
      listeners.add(remove);
      return remove;
    },
    withSession: async (fn) => {
      const conn = await pool.connect();
      try {
        return await fn({
          kind: "postgresql",
          query: async <R extends Record<string, unknown>>(sql: string, params?: unknown[], name?: string) =>
            (await (name ? conn.query<R>({ name, text: sql, values: params }) : conn.query<R>(sql, params))).rows,
          exec: async (sql) => {
            await conn.query(sql);
          },
        });
      } finally {
        conn.release();
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...listeners].map((stop) => stop()));
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * A LISTEN on its own pg.Client (a pooled connection would be handed to other queries: brianc/node-postgres #967).
 * A dropped connection is re-opened with backoff (0.5 s doubling to 10 s) and LISTENs again.
 */
async function listenPostgres(
  connectionString: string,
  channel: string,
  onPayload: (payload: string) => void,
  onReconnect?: () => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let delay = 500;

  const connect = async (): Promise<void> => {
    // named so an operator (or a test) can tell this process's listener from its pooled connections
    const c = new pg.Client({ connectionString, application_name: `netmortem listen ${process.pid}` });
    c.on("notification", (msg) => {
      if (msg.channel === channel && msg.payload !== undefined) onPayload(msg.payload);
    });
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = null;
      c.removeAllListeners("error");
      c.on("error", () => undefined);
      void c.end().catch(() => undefined);
      if (stopped) return;
      console.error(`[db] LISTEN ${channel} connection lost${err ? `: ${err.message}` : ""}; reconnecting`);
      schedule();
    };
    c.on("error", lost);
    c.on("end", () => lost());
    await c.connect();
    await c.query(`LISTEN ${quoteIdent(channel)}`);
    if (stopped) {
      await c.end();
      return;
    }
    client = c;
    delay = 500;
  };

  const schedule = () => {
    timer = setTimeout(() => {
      timer = null;
      connect()
        .then(() => {
          if (!stopped) onReconnect?.();
        })
        .catch((err: unknown) => {
          console.error(`[db] LISTEN ${channel} reconnect failed: ${err instanceof Error ? err.message : String(err)}`);
          delay = Math.min(delay * 2, 10_000);
          if (!stopped) schedule();
        });
    }, delay);
    timer.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    if (c) await c.end().catch(() => undefined);
  };
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Opens the database the environment names (see the header). */
export function openFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error("DATABASE_URL must be a postgresql:// URL; unset it to use the embedded PGlite database");
    }
    return openPostgres({ url });
  }
  return openPglite({ dataDir: env.NETMORTEM_DATA_DIR?.trim() || path.resolve(/*turbopackIgnore: true*/ process.cwd(), ".data/pglite") });
}

const store = globalThis as typeof globalThis & {
  __netmortemDb?: Promise<Database>;
  __netmortemDbSignals?: boolean;
};

/**
 * The process-wide database: opened on first use (never at import, so `next build` does not open it), brought
 * up to date with the migrations, and closed on SIGINT/SIGTERM (a PGlite that is not closed may lose its last
 * writes). Kept on globalThis so dev-mode module reloads do not open a second one.
 */
export function getDatabase(): Promise<Database> {
  if (!store.__netmortemDb) {
    const opening = (async () => {
      const db = await openFromEnv();
      try {
        await db.withSession((s) => migrate(s));
      } catch (err) {
        await db.close();
        throw err;
      }
      installShutdown();
      return db;
    })();
    store.__netmortemDb = opening;
    // A failed open must not be cached forever: the next request tries again.
    opening.catch(() => {
      if (store.__netmortemDb === opening) store.__netmortemDb = undefined;
    });
  }
  return store.__netmortemDb;
}

export async function getPrisma(): Promise<PrismaClient> {
  return (await getDatabase()).prisma;
}

/** Tests install their own database (in-memory PGlite or a throwaway PostgreSQL schema). */
export function setDatabase(db: Database | undefined): void {
  store.__netmortemDb = db ? Promise.resolve(db) : undefined;
}

export async function closeDatabase(): Promise<void> {
  const current = store.__netmortemDb;
  store.__netmortemDb = undefined;
  if (current) await (await current).close();
}

function installShutdown(): void {
  if (store.__netmortemDbSignals) return;
  store.__netmortemDbSignals = true;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    closeDatabase()
      .catch((err: unknown) => console.error("[db] close failed:", err))
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
