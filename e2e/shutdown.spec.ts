import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { request as http } from "@playwright/test";
import pg from "pg";
import { expect, runSql, test } from "./support/app";

/**
 * A production server of its own (as `npm start` runs it), with its metadata
 * store on the machine's PostgreSQL: SIGTERM during a long query, a restart
 * on the same data directory, the health endpoints, and the error page while
 * the metadata store is down.
 */
const POSTGRES = process.env.LAKEBOOK_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = `lakebook_shutdown_${randomBytes(4).toString("hex")}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-shutdown-"));
const ADMIN = { email: "shutdown-admin@example.com", password: "a long enough password" };
/** The same key at every start of the server on this database (required with DATABASE_URL). */
const SECRET_KEY = randomBytes(32).toString("hex");
const LONG = "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range";

async function sql<T extends pg.QueryResultRow>(text: string, db = database, values: unknown[] = []): Promise<T[]> {
  const url = new URL(POSTGRES);
  url.pathname = `/${db}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Server {
  base: string;
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

async function startServer(port: number): Promise<Server> {
  const url = new URL(POSTGRES);
  url.pathname = `/${database}`;
  const child = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)],
    {
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        NEXTAUTH_URL: `http://127.0.0.1:${port}`,
        LAKEBOOK_DATA_DIR: dataDir,
        LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000",
        DATABASE_URL: url.toString(),
        // Required with DATABASE_URL: every server sharing the metadata store seals with the same key.
        LAKEBOOK_SECRET_KEY: SECRET_KEY,
        LAKEBOOK_ADMIN_EMAIL: ADMIN.email,
        LAKEBOOK_ADMIN_PASSWORD: ADMIN.password,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on("data", (data: Buffer) => {
    output += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const server = { base: `http://127.0.0.1:${port}`, child, log: () => output, exited };
  await expect
    .poll(async () => (await fetch(`${server.base}/api/ready`).catch(() => null))?.status, { timeout: 90_000 })
    .toBe(200);
  return server;
}

let servers: Server[] = [];

test.beforeAll(async () => {
  await sql(`CREATE DATABASE ${database}`, "postgres");
});

test.afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null) server.child.kill("SIGKILL");
  await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, "postgres");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("SIGTERM cancels a running query and exits; a restart finds no run running and answers health checks", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const port = await freePort();
  const first = await startServer(port);
  servers.push(first);

  const context = await browser.newContext({ baseURL: first.base, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await runSql(page, LONG);
  await expect(page.getByRole("button", { name: "Cancel" })).toBeEnabled();
  await expect
    .poll(async () => (await sql("SELECT status FROM runs WHERE sql = $1", database, [LONG]))[0]?.status)
    .toBe("running");

  first.child.kill("SIGTERM");
  // 0 means every step finished: a forced exit (after 10 s) is 1.
  expect(await first.exited).toBe(0);
  expect(first.log()).toContain("SIGTERM: shutting down");
  expect(first.log()).toContain("cancelled 1 running query");
  expect(first.log()).toContain("shutdown complete");
  const [ended] = await sql<{ status: string; message: string }>(
    "SELECT status, message FROM runs WHERE sql = $1",
    database,
    [LONG],
  );
  expect(ended).toEqual({ status: "cancelled", message: "Cancelled: the server shut down." });
  expect(await sql("SELECT id FROM runs WHERE status = 'running'")).toEqual([]);

  // The same data directory and port again; the browser's session still holds.
  const second = await startServer(port);
  servers.push(second);
  await page.goto("/history");
  await expect(page.getByRole("main")).toContainText("range(100000000000)");
  await expect(page.getByRole("main")).toContainText(/cancelled/i);

  // Health needs no sign-in and tells nothing but the state.
  const request = await http.newContext({ storageState: { cookies: [], origins: [] } });
  const health = await request.get(`${second.base}/api/health`);
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
  const ready = await request.get(`${second.base}/api/ready`);
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({
    status: "ready",
    checks: { warehouse: "ok", resultStore: "ok", metadataStore: "ok" },
  });

  // The metadata store goes away: not ready, saying which part and nothing more.
  await sql(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`, "postgres");
  await sql(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    "postgres",
    [database],
  );
  try {
    const down = await request.get(`${second.base}/api/ready`);
    expect(down.status()).toBe(503);
    const body = await down.text();
    expect(JSON.parse(body)).toEqual({
      status: "not ready",
      checks: { warehouse: "ok", resultStore: "ok", metadataStore: "unavailable" },
    });
    for (const secret of [database, "127.0.0.1", "5432", "postgres", dataDir]) expect(body).not.toContain(secret);
    expect((await request.get(`${second.base}/api/health`)).status()).toBe(200);

    // A page that needs the store shows the app's error page with a reference the log also has.
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Something went wrong" })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText("Lakebook");
    const reference = (await page.locator(".problem-reference code").textContent()) ?? "";
    expect(reference).toMatch(/^\w+$/);
    await page.screenshot({ path: "test-results/error-page.png" });
    await expect.poll(() => second.log()).toContain(`request failed (reference ${reference})`);
  } finally {
    await sql(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`, "postgres");
  }
  await expect.poll(async () => (await request.get(`${second.base}/api/ready`)).status()).toBe(200);
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("textbox", { name: "SQL editor" })).toBeAttached();

  await context.close();
  await request.dispose();
  second.child.kill("SIGTERM");
  expect(await second.exited).toBe(0);
  servers = servers.filter((s) => s !== second);
});
