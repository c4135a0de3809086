import { DBSQLClient, LogLevel } from "@databricks/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, type LogSink, redact } from "@/lib/server/log";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";

const { DatabricksEngine } = await import("@/lib/server/engines/databricks/engine");
const { driverLogger } = await import("@/lib/server/engines/databricks/logger");

/** A log whose lines are kept, to read back what was written. */
function captured(level: "debug" | "info" = "debug") {
  const lines: string[] = [];
  const sink: LogSink = { write: (line) => void lines.push(line) };
  return { lines, text: () => lines.join(""), logger: createLogger(sink, { level }) };
}

let warehouse: TestWarehouse;

beforeAll(async () => {
  warehouse = await startTestWarehouse({ tripsRows: 1_000, certificateDir: ".lakebook-test-tls" });
});

afterAll(async () => {
  await warehouse?.close();
});

function engineWith(logger: ReturnType<typeof captured>["logger"], token = warehouse.token) {
  return new DatabricksEngine({
    host: "localhost",
    port: warehouse.port,
    httpPath: warehouse.path,
    auth: { type: "token", token },
    startupWaitMs: 1_000,
    logger,
  });
}

describe("the Databricks driver's log", () => {
  it("goes to the server's log, and a client adds no process-wide handler", async () => {
    const before = process.listenerCount("uncaughtException") + process.listenerCount("unhandledRejection");
    const { text, logger } = captured();
    const engines = [engineWith(logger), engineWith(logger)];
    for (const engine of engines) expect((await engine.testConnection()).ok).toBe(true);
    for (const engine of engines) await engine.close();
    // The driver's default (winston) logger added an exit-on-error handler per client.
    expect(process.listenerCount("uncaughtException") + process.listenerCount("unhandledRejection")).toBe(before);
    expect(text()).toContain('"component":"databricks"');
    expect(text()).toContain("Session created");
    expect(text()).not.toContain(warehouse.token);
  });

  it("never writes the connection's token, even when a driver error carries it", async () => {
    const { lines, text, logger } = captured("info");
    const token = warehouse.token;
    const client = new DBSQLClient({ logger: driverLogger([token], logger) });
    // The driver's own path for a connection error: it logs the error's stack at error level.
    const error = new Error(`request to https://localhost/sql failed with headers {"x-auth":"${token}"}`);
    (client as unknown as { forwardConnectionEvent(event: string, payload: unknown): void }).forwardConnectionEvent(
      "error",
      error,
    );
    client.getLogger().log(LogLevel.warn, `retrying with token=${token} and ${token.slice(0, 20)}…`);
    await client.close();
    expect(lines.length).toBe(2);
    expect(text()).toContain('"level":"error"');
    expect(text()).toContain("[redacted]");
    expect(text()).not.toContain(token);
    // Routine info lines are debug lines: not kept at level info.
    expect(text()).not.toContain("Created DBSQLClient");
  });

  it("hides a rejected token when connecting fails", async () => {
    const { text, logger } = captured();
    const wrong = "dapi0123456789abcdef0123456789abcdef";
    const engine = engineWith(logger, wrong);
    const check = await engine.testConnection();
    await engine.close();
    expect(check.ok).toBe(false);
    logger.error("connection check failed", { check, headers: { Authorization: `Bearer ${wrong}` } });
    expect(text()).not.toContain(wrong);
    expect(text()).toContain("connection check failed");
  });
});

describe("redaction", () => {
  it("hides what looks like a credential, wherever it is", () => {
    const { text, logger } = captured();
    logger.error("failed", new Error("postgres://lakebook:s3cr3t-pw@db.internal:5432/lakebook unreachable"));
    logger.warn("oauth", { clientSecret: "cs-1234567890", nested: { password: "hunter2hunter2" } });
    logger.info('token refresh: {"access_token":"eyJhbGciOi.payload.sig","refresh_token":"r-0987654321"}');
    logger.info("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc and Basic dXNlcjpwYXNz");
    const failed = new Error(
      'Failed query: insert into "users" ("email", "password_hash") values ($1, $2)\nparams: a@b.c,scrypt$abc$def',
    );
    logger.error("could not store", new Error(failed.message, { cause: new Error("duplicate key") }));
    for (const secret of [
      "s3cr3t-pw",
      "cs-1234567890",
      "hunter2hunter2",
      "eyJhbGciOi",
      "r-0987654321",
      "dXNlcjpwYXNz",
      "scrypt$abc",
    ])
      expect(text()).not.toContain(secret);
    // What is not a secret stays readable.
    expect(text()).toContain("db.internal:5432/lakebook unreachable");
    expect(text()).toContain('insert into \\"users\\"');
    expect(text()).toContain("duplicate key");
    expect(text()).toContain('"nested":{"password":"[redacted]"}');
  });

  it("leaves ordinary text alone", () => {
    expect(redact("SELECT count(*) FROM trips WHERE fare > 10")).toBe("SELECT count(*) FROM trips WHERE fare > 10");
    expect(redact("run 0f87 failed: table not found")).toBe("run 0f87 failed: table not found");
  });
});
