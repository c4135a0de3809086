import "server-only";
import type pg from "pg";
import type { Db } from "./client";

/**
 * A connection PostgreSQL ended while it sat idle in the pool (a restart, a
 * failover, an admin's `pg_terminate_backend`, a proxy recycling it) is
 * dropped by the pool when its 'error' event arrives; a statement handed the
 * connection before that fails ("terminating connection", 57P01/57P02, or
 * "Connection terminated unexpectedly" when the end was read just before the
 * statement was sent) although it never ran. Measured: a statement right after its pool's
 * connections were ended failed 186 times in 200. Such a failure of the first
 * statement on a connection just taken from the pool — an autocommit
 * statement, or the BEGIN of a transaction — is tried again on another
 * connection: PostgreSQL ends a connection only between transactions or by
 * aborting the one it runs, so the statement did not take effect. After a
 * restart every idle connection is dead, so it is tried up to once per
 * connection the pool may hold, plus a new one.
 */
const ENDED = new Set(["57P01", "57P02"]);
const FIRST_STATEMENT_ENDED = Symbol("first statement on an ended connection");

type Marked = Error & { [FIRST_STATEMENT_ENDED]?: true };

/** Marks `error` if it says the connection was ended, or if the connection had failed before the statement was sent. */
function mark(error: unknown, failedBefore: boolean): void {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && (failedBefore || (typeof code === "string" && ENDED.has(code))))
    (error as Marked)[FIRST_STATEMENT_ENDED] = true;
}

/** Whether `error`, or the driver's error that Drizzle wrapped in it, is marked. */
function marked(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error as Marked)[FIRST_STATEMENT_ENDED] === true || marked(error.cause);
}

type Query = (...args: unknown[]) => unknown;

/**
 * Drizzle's `transaction()` (node-postgres, 0.45) sends BEGIN before its
 * try/finally: when BEGIN fails, the connection is never given back, and a
 * pool that lost all ten that way stops every request. The first statement
 * of a checkout is Drizzle's own BEGIN there (no other code of ours takes a
 * connection), so its failure gives the connection back, as broken.
 */
function isBegin(statement: unknown): boolean {
  const text = typeof statement === "string" ? statement : (statement as { text?: unknown } | null)?.text;
  return typeof text === "string" && text.trimStart().toLowerCase().startsWith("begin");
}

/** `attempt` again while it fails on an ended connection, at most `tries` times in all. */
async function retried<T>(attempt: () => Promise<T>, tries: number): Promise<T> {
  for (let left = tries - 1; ; left--) {
    try {
      return await attempt();
    } catch (error) {
      if (left <= 0 || !marked(error)) throw error;
    }
  }
}

export function retryEndedConnections(pool: pg.Pool, db: Db, poolSize: number): void {
  const tries = poolSize + 1;
  const fresh = new WeakSet<pg.PoolClient>();
  // A connection's own error event comes only while no statement runs on it (pg gives a statement's errors to the statement).
  const failed = new WeakSet<pg.PoolClient>();
  pool.on("acquire", (client) => fresh.add(client));
  pool.on("connect", (client) => {
    client.on("error", () => failed.add(client));
    const query = client.query.bind(client) as Query;
    (client as unknown as { query: Query }).query = (...args) => {
      if (!fresh.delete(client)) return query(...args);
      const failedBefore = failed.has(client);
      const last = args.at(-1);
      if (typeof last === "function") {
        // The pool's own `query` passes a callback.
        args[args.length - 1] = (error: unknown, result: unknown) => {
          if (error) mark(error, failedBefore);
          last(error, result);
        };
        return query(...args);
      }
      // A checkout of `pool.connect()`: Drizzle's transactions, whose first statement is BEGIN.
      const answer = query(...args);
      return answer instanceof Promise
        ? answer.catch((error) => {
            mark(error, failedBefore);
            if (isBegin(args[0])) client.release(error instanceof Error ? error : true);
            throw error;
          })
        : answer;
    };
  });

  const poolQuery = pool.query.bind(pool) as Query;
  (pool as unknown as { query: Query }).query = (...args) => {
    if (typeof args.at(-1) === "function") return poolQuery(...args);
    return retried(() => poolQuery(...args) as Promise<unknown>, tries);
  };

  const transaction = db.transaction.bind(db);
  db.transaction = ((work, config) => retried(() => transaction(work, config), tries)) as typeof db.transaction;
}
