// Talks to a running Lakebook server the way the browser does: the editor's
// server actions over POST / (React Flight responses) and the CSV route.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const ACTIONS_FILE = "app/(workspace)/editor/actions.ts";
/** No request of the bench should take this long; a stuck one fails the bench instead of hanging it. */
const REQUEST_TIMEOUT_MS = 180_000;

/** Action ids of the editor's server actions, from the build's manifest. */
export function actionIds(cwd) {
  const manifest = JSON.parse(fs.readFileSync(path.join(cwd, ".next/server/server-reference-manifest.json"), "utf8"));
  const ids = {};
  for (const [id, entry] of Object.entries(manifest.node ?? {})) {
    if (entry.filename === ACTIONS_FILE) ids[entry.exportedName] = id;
  }
  for (const name of ["startRunAction", "runStateAction", "pageAction"]) {
    if (!ids[name]) throw new Error(`no action id for ${name} in the server reference manifest`);
  }
  return ids;
}

/**
 * The action's return value from a React Flight response. The model rows are
 * `<hex id>:<json>` lines; the action result is row 1 (row 0 is the response
 * envelope the client router reads).
 */
export function parseFlight(text) {
  for (const line of text.split("\n")) {
    const m = /^1:(.*)$/.exec(line);
    if (m) return JSON.parse(m[1]);
  }
  throw new Error(`no action result (row 1) in the response:\n${text.slice(0, 500)}`);
}

/** The admin account every bench server is started with. */
export const BENCH_ADMIN = { email: "bench@example.com", password: "bench password, long enough" };

export class Client {
  constructor(base, cwd) {
    this.base = base;
    this.ids = actionIds(cwd);
    this.cookie = null;
  }

  /**
   * Signs in as the bench's admin (created from LAKEBOOK_ADMIN_EMAIL/PASSWORD by
   * startServer) through next-auth's credentials endpoint, as the sign-in form does.
   */
  async init() {
    const timeout = () => AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const csrf = await fetch(`${this.base}/api/auth/csrf`, { signal: timeout() });
    const { csrfToken } = await csrf.json();
    const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
    const res = await fetch(`${this.base}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.join("; ") },
      body: new URLSearchParams({ csrfToken, email: BENCH_ADMIN.email, password: BENCH_ADMIN.password, json: "true" }),
      signal: timeout(),
    });
    await res.arrayBuffer();
    const session = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
    if (!session) throw new Error(`signing in did not set a session cookie (status ${res.status})`);
    this.cookie = session.split(";")[0];
  }

  /** Calls a server action; returns { ms, value, raw } where value is the ActionResult. */
  async call(name, args) {
    const t0 = performance.now();
    const res = await fetch(`${this.base}/`, {
      method: "POST",
      headers: {
        "Next-Action": this.ids[name],
        Accept: "text/x-component",
        "Content-Type": "text/plain;charset=UTF-8",
        Origin: this.base,
        Cookie: this.cookie,
      },
      body: JSON.stringify([args]),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const raw = await res.text();
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(`${name}: HTTP ${res.status}: ${raw.slice(0, 500)}`);
    const value = parseFlight(raw);
    return { ms, value, raw };
  }

  /** Like call(), but unwraps { ok, data } and throws on { ok: false }. */
  async data(name, args) {
    const { ms, value, raw } = await this.call(name, args);
    if (value?.ok !== true) throw new Error(`${name} failed: ${JSON.stringify(value).slice(0, 500)}`);
    return { ms, data: value.data, raw };
  }

  /**
   * Streams GET /api/runs/<id>/csv, counting bytes and line ends without
   * keeping the body. With `acceptEncoding` (what a browser sends, e.g.
   * "gzip, deflate, br, zstd") the body may come compressed: then only the
   * bytes on the wire are counted. With `all`, every row of a result cut at
   * the cap (`?all=1`: the query runs again). Returns { bytes, lines, ms, firstByteMs,
   * encoding }.
   */
  csv(runId, { acceptEncoding, all = false } = {}) {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const headers = { Cookie: this.cookie, ...(acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {}) };
      const req = http.get(
        `${this.base}/api/runs/${runId}/csv${all ? "?all=1" : ""}`,
        { headers, timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          const encoding = res.headers["content-encoding"] ?? "identity";
          const countLines = encoding === "identity";
          let bytes = 0;
          let lines = 0;
          let firstByteMs = null;
          res.on("data", (chunk) => {
            firstByteMs ??= performance.now() - t0;
            bytes += chunk.length;
            if (countLines) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
          });
          res.on("end", () => {
            if (res.statusCode !== 200) reject(new Error(`CSV download: HTTP ${res.statusCode}`));
            else
              resolve({ bytes, lines: countLines ? lines : null, ms: performance.now() - t0, firstByteMs, encoding });
          });
          res.on("error", reject);
          // A connection that closes before the end of the body is a failure, not a wait.
          res.on("close", () => {
            if (!res.complete) reject(new Error(`CSV download: connection closed after ${bytes} bytes`));
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("CSV download: no data for too long")));
      req.on("error", reject);
    });
  }
}
