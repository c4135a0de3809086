import "server-only";
import type { ResultColumn, RunError, RunStatus } from "@/lib/results/types";
import type { ResultStore } from "./result-store";

/** What the server keeps about a run, beside its stored rows. */
export interface RunRecord {
  id: string;
  owner: string;
  connectionId: string;
  sql: string;
  status: RunStatus;
  columns: ResultColumn[];
  rowCount: number;
  truncated: boolean;
  message: string | null;
  statementCount: number;
  error: RunError | null;
  startedAt: Date;
  finishedAt: Date | null;
  firstPageMs: number | null;
}

const CREATE = `CREATE TABLE IF NOT EXISTS runs (
  id VARCHAR PRIMARY KEY, owner VARCHAR NOT NULL, sql VARCHAR NOT NULL, status VARCHAR NOT NULL,
  columns VARCHAR NOT NULL, row_count BIGINT NOT NULL, truncated BOOLEAN NOT NULL, message VARCHAR,
  statement_count INTEGER NOT NULL, error VARCHAR, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
  first_page_ms DOUBLE, connection_id VARCHAR)`;

/** Run records live in the result store, so a stored result and its description go together. */
export class RunCatalog {
  constructor(private readonly store: ResultStore) {}

  async init(): Promise<void> {
    await this.store.exec(CREATE);
    await this.store.exec("ALTER TABLE runs ADD COLUMN IF NOT EXISTS connection_id VARCHAR");
    // Runs cut off by a restart can never finish: say so instead of "running" forever.
    await this.store.exec(
      `UPDATE runs SET status = 'failed', finished_at = now()::TIMESTAMP, error = '{"message":"The server restarted while this query was running."}' WHERE status = 'running'`,
    );
  }

  async save(run: RunRecord): Promise<void> {
    const connection = await this.store.connect();
    try {
      await connection.run(
        `INSERT OR REPLACE INTO runs VALUES ($id, $owner, $sql, $status, $columns, $rowCount, $truncated, $message, $statementCount, $error, $startedAt::TIMESTAMP, $finishedAt::TIMESTAMP, $firstPageMs, $connectionId)`,
        {
          id: run.id,
          owner: run.owner,
          sql: run.sql,
          status: run.status,
          columns: JSON.stringify(run.columns),
          rowCount: run.rowCount,
          truncated: run.truncated,
          message: run.message,
          statementCount: run.statementCount,
          error: run.error ? JSON.stringify(run.error) : null,
          startedAt: run.startedAt.toISOString(),
          finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
          firstPageMs: run.firstPageMs,
          connectionId: run.connectionId,
        },
      );
    } finally {
      connection.closeSync();
    }
  }

  async load(id: string): Promise<RunRecord | null> {
    const connection = await this.store.connect();
    try {
      const reader = await connection.runAndReadAll(
        `SELECT id, owner, sql, status, columns, row_count, truncated, message, statement_count, error,
           strftime(started_at, '%Y-%m-%dT%H:%M:%S.%fZ'), strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%fZ'), first_page_ms, connection_id
         FROM runs WHERE id = $id`,
        { id },
      );
      const row = reader.getRowsJS()[0];
      if (!row) return null;
      return {
        id: String(row[0]),
        owner: String(row[1]),
        sql: String(row[2]),
        status: row[3] as RunRecord["status"],
        columns: JSON.parse(String(row[4])),
        rowCount: Number(row[5]),
        truncated: row[6] === true,
        message: row[7] === null ? null : String(row[7]),
        statementCount: Number(row[8]),
        error: row[9] === null ? null : JSON.parse(String(row[9])),
        startedAt: new Date(String(row[10])),
        finishedAt: row[11] === null ? null : new Date(String(row[11])),
        firstPageMs: row[12] === null ? null : Number(row[12]),
        connectionId: row[13] === null ? "builtin" : String(row[13]),
      };
    } finally {
      connection.closeSync();
    }
  }

  /** Ids of finished runs that started before `cutoff`. */
  async expired(cutoff: Date): Promise<string[]> {
    const rows = await this.store.read(
      `SELECT id FROM runs WHERE status <> 'running' AND started_at < '${cutoff.toISOString().replace("Z", "")}'::TIMESTAMP`,
    );
    return rows.map(([id]) => String(id));
  }

  async delete(id: string): Promise<void> {
    await this.store.drop(id);
    const connection = await this.store.connect();
    try {
      await connection.run("DELETE FROM runs WHERE id = $id", { id });
    } finally {
      connection.closeSync();
    }
  }
}
