import "server-only";
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { log } from "../log";

/**
 * Changes to the metadata store's tables that decide who is signed in
 * (`users`, `user_sessions`), as PostgreSQL itself reports them: a trigger on
 * each NOTIFYs the channel below with the table's name when a statement
 * commits (migration 0013), whichever server or script wrote it. Each server
 * LISTENs on one connection of its own. A cache of those tables is safe only
 * while its feed is live: a server that lost that connection may have missed a
 * change, so the feed reports "not live" until it listens again, and caches
 * must then ask the store each time.
 */
export const CHANGES_CHANNEL = "lakebook_changes";

/** `table` changed, or (null) the feed stopped being live: anything may have changed. */
export type ChangeListener = (table: string | null) => void;

export interface ChangeFeed {
  /** Whether every committed change is being reported now. */
  readonly live: boolean;
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/**
 * Changes this process made, counted at once: a change's NOTIFY reaches this
 * server's own listener a moment after the commit, and the member who just
 * signed out everywhere must not get one more request through in between.
 * The write functions of `queries/` call `noteChange` (before their
 * transaction commits, if in one; the NOTIFY at the commit covers the rest).
 */
// On globalThis: Next.js bundles this module once per kind of entry (actions,
// routes, instrumentation), and a change an action makes must be seen by a route.
const holder = globalThis as { __lakebookLocalChanges?: number };

export function noteChange(): void {
  holder.__lakebookLocalChanges = (holder.__lakebookLocalChanges ?? 0) + 1;
}

/** Grows with every change this process made; a cached value read before it grew may be stale. */
export function localChangeCount(): number {
  return holder.__lakebookLocalChanges ?? 0;
}

class Listeners {
  private readonly listeners = new Set<ChangeListener>();

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(table: string | null): void {
    for (const listener of this.listeners) listener(table);
  }
}

/** PGlite: one process, one database; its notifications are delivered in-process and never lost. */
export async function pgliteChanges(client: PGlite): Promise<ChangeFeed> {
  const listeners = new Listeners();
  const unlisten = await client.listen(CHANGES_CHANNEL, (table) => listeners.emit(table));
  return {
    live: true,
    subscribe: (listener) => listeners.subscribe(listener),
    close: () => unlisten(),
  };
}

/** How often the listening connection proves it is still there, and how long it may take to answer. */
const CHECK_EVERY_MS = 5_000;
const CHECK_TIMEOUT_MS = 3_000;
const RETRY_MS = { first: 500, most: 30_000 };

/**
 * PostgreSQL: a connection of its own that LISTENs, checked every few seconds
 * (a connection cut without a word, by a firewall or a failover, would
 * otherwise look alive while changes go unreported) and opened again, with a
 * growing pause, after it fails.
 */
export class PostgresChanges implements ChangeFeed {
  private readonly listeners = new Listeners();
  private client: pg.Client | null = null;
  private check: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private pause = RETRY_MS.first;
  private closed = false;
  live = false;

  constructor(private readonly open: () => pg.Client) {}

  /** Starts listening; resolves once the first attempt has succeeded or failed (a failure retries in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  subscribe(listener: ChangeListener): () => void {
    return this.listeners.subscribe(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.drop(null);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = this.open();
    this.client = client;
    client.on("error", (error) => this.drop(error));
    client.on("end", () => this.drop(new Error("the connection ended")));
    client.on("notification", (message) => {
      if (message.channel === CHANGES_CHANNEL) this.listeners.emit(message.payload ?? null);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      this.drop(error);
      return;
    }
    if (this.client !== client) return;
    this.live = true;
    this.pause = RETRY_MS.first;
    this.check = setInterval(() => this.prove(client), CHECK_EVERY_MS);
    this.check.unref();
  }

  private async prove(client: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the connection did not answer")), CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.query("SELECT 1"), late]);
    } catch (error) {
      if (this.client === client) this.drop(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forgets the connection: not live (listeners told), and a new attempt later unless closed. */
  private drop(error: unknown): void {
    const client = this.client;
    if (!client) return;
    this.client = null;
    if (this.check) clearInterval(this.check);
    this.check = null;
    const wasLive = this.live;
    this.live = false;
    client.removeAllListeners("notification");
    client.on("error", () => {});
    client.end().catch(() => {});
    if (wasLive) this.listeners.emit(null);
    if (this.closed) return;
    if (error) log.warn(`metadata store: listening for changes failed; retrying in ${this.pause} ms`, error);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.pause);
    this.retry.unref();
    this.pause = Math.min(this.pause * 2, RETRY_MS.most);
  }
}
