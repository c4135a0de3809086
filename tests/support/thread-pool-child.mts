/**
 * Run by tests/thread-pool.test.ts in a process of its own, with Node's
 * default thread pool (UV_THREADPOOL_SIZE unset): two members start four long
 * queries each, and the process reports whether reading a file and
 * compressing still work while they run, and how many statements were on the
 * engine at once. Prints one line: REPORT and JSON.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";

process.env.LAKEBOOK_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-pool-"));
process.env.LAKEBOOK_SAMPLE_TRIPS_ROWS = "1000";
process.env.LAKEBOOK_THREADS = "2";

const runs = await import("../../lib/server/runs/runs");
const { runtime } = await import("../../lib/server/runtime");
const { insertUser } = await import("../../lib/server/db/queries/users");
const { Counter, observed } = await import("./engines");

const rt = await runtime();
const member = (name: string) =>
  insertUser(rt.db, { email: `${name}@example.test`, name, passwordHash: null, role: "member" });
const members = [await member("ann"), await member("bob")];
const onEngine = new Counter();
const engine = observed(rt.engine, [onEngine]);
const SLOW = "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range";

const started = members.flatMap((user) =>
  [0, 1, 2, 3].map((i) =>
    runs.startRun(user, { sql: SLOW, connectionId: "builtin", lane: `l${i}`, pageSize: 10 }, engine),
  ),
);
await new Promise((resolve) => setTimeout(resolve, 1_500));
const within = <T,>(work: Promise<T>) =>
  Promise.race([work.then(() => "answered"), new Promise((resolve) => setTimeout(() => resolve("stuck"), 5_000))]);
const [readFile, gzip] = await Promise.all([
  within(fs.promises.readFile(path.join(process.env.LAKEBOOK_DATA_DIR, "instance-id"))),
  within(new Promise((resolve, reject) => zlib.gzip(Buffer.alloc(1000), (e, out) => (e ? reject(e) : resolve(out))))),
]);
console.log(
  `REPORT ${JSON.stringify({ pool: process.env.UV_THREADPOOL_SIZE ?? null, readFile, gzip, atOnce: onEngine.max })}`,
);

// Stop the queries (the interrupt reaches DuckDB even if the pool were full), then leave.
setTimeout(() => process.exit(0), 10_000).unref();
await Promise.all(
  started.map(async (start, i) => {
    const { run } = await start;
    await runs.cancelRun(members[Math.floor(i / 4)], run.id);
  }),
).catch(() => {});
process.exit(0);
