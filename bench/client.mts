// Talks to a running Lakebook server the way the browser does: server actions
// posted to their page (React Flight responses), the read routes (a run's
// state and pages), sign-in, and the CSV route.
import http from "node:http";
import { type ActionIds, actionIds, parseFlight } from "./flight.mjs";

/** No request of the bench should take this long; a stuck one fails the bench instead of hanging it. */
const REQUEST_TIMEOUT_MS = 180_000;

/** A run as the browser sees it (GET /api/runs/<id>/state, startRunAction): the fields the bench reads. */
export interface RunView {
  id: string;
  status: "running" | "succeeded" | "failed" | "cancelled";
  rowCount: number;
  truncated: boolean;
  columns: unknown[];
  elapsedMs: number | null;
  firstPageMs: number | null;
  message?: string | null;
  error?: { message: string } | null;
}

/** A page of a stored result (GET /api/runs/<id>/page): values as text. */
export interface Page {
  rows: (string | null)[][];
}

/** What the bench reads from each action's data; other actions' data is not read. */
export interface ActionData {
  startRunAction: { run: RunView; page: Page | null };
  inviteMemberAction: { path: string };
}
export type DataOf<K extends string> = K extends keyof ActionData ? ActionData[K] : unknown;

/** What a server action returns. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string };

export interface CallOptions {
  timeoutMs?: number;
}

/** An action that answered with an HTTP error. */
export type HttpError = Error & { status: number; ms: number };

/** A CSV download, counted as it streamed. */
export interface CsvFigures {
  bytes: number;
  lines: number | null;
  ms: number;
  firstByteMs: number | null;
  encoding: string;
}

/** The server's event-loop delay (app/api/bench/event-loop), in ms. */
export interface LoopDelay {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  samples: number;
}
/** The admin account every bench server is started with. */
export const BENCH_ADMIN = { email: "bench@example.com", password: "bench password, long enough" };

/** The steps of a `Server-Timing` header, in ms: `session;dur=0.2, read;dur=3.1` → { session: 0.2, read: 3.1 }. */
function serverTiming(header: string | null): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const [name, ...params] = part.trim().split(";");
    const dur = params.find((p) => p.trim().startsWith("dur="));
    if (name && dur) steps[name] = Number(dur.trim().slice(4));
  }
  return steps;
}

export class Client {
  readonly base: string;
  readonly ids: ActionIds;
  cookie: string | null;
  /** A team member's name (team.mts). */
  name?: string;

  constructor(base: string, cwd: string) {
    this.base = base;
    this.ids = actionIds(cwd);
    this.cookie = null;
  }

  /**
   * Signs in through next-auth's credentials endpoint, as the sign-in form
   * does: as the bench's admin (created from LAKEBOOK_ADMIN_EMAIL/PASSWORD by
   * startServer) unless another member's credentials are given.
   */
  async init({ email, password }: { email: string; password: string } = BENCH_ADMIN): Promise<void> {
    const timeout = () => AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const csrf = await fetch(`${this.base}/api/auth/csrf`, { signal: timeout() });
    const { csrfToken } = await csrf.json();
    const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
    const res = await fetch(`${this.base}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.join("; ") },
      body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
      signal: timeout(),
    });
    await res.arrayBuffer();
    const session = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
    if (!session) throw new Error(`signing in as ${email} did not set a session cookie (status ${res.status})`);
    this.cookie = session.split(";")[0];
  }

  /**
   * Calls a server action; returns { ms, value } where value is the
   * ActionResult. An HTTP error throws an Error with `status`.
   */
  async call<K extends string>(
    name: K,
    args: unknown,
    { timeoutMs = REQUEST_TIMEOUT_MS }: CallOptions = {},
  ): Promise<{ ms: number; value: ActionResult<DataOf<K>> }> {
    const action = this.ids[name];
    if (!action) throw new Error(`no server action named ${name} in this build`);
    const t0 = performance.now();
    const res = await fetch(`${this.base}${action.page}`, {
      method: "POST",
      headers: {
        "Next-Action": action.id,
        Accept: "text/x-component",
        "Content-Type": "text/plain;charset=UTF-8",
        Origin: this.base,
        ...(this.cookie ? { Cookie: this.cookie } : {}),
      },
      body: JSON.stringify([args]),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const ms = performance.now() - t0;
    if (!res.ok)
      throw Object.assign(new Error(`${name}: HTTP ${res.status}: ${body.toString("utf8", 0, 500)}`), {
        status: res.status,
        ms,
      });
    const value = parseFlight(body) as ActionResult<DataOf<K>>;
    return { ms, value };
  }

  /**
   * Imports a notebook file through POST /api/notebooks/import, as the
   * notebooks page does: the file is the raw body. Returns { ms, status, value }
   * where value is the route's { ok, data } or { ok: false, error }.
   */
  async importNotebook(
    filename: string,
    text: string,
    connectionId: string,
    { timeoutMs = REQUEST_TIMEOUT_MS }: CallOptions = {},
  ): Promise<{ ms: number; status: number; value: ActionResult<unknown> }> {
    const t0 = performance.now();
    const params = new URLSearchParams({ filename, connection: connectionId });
    const res = await fetch(`${this.base}/api/notebooks/import?${params}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/octet-stream",
        Origin: this.base,
        ...(this.cookie ? { Cookie: this.cookie } : {}),
      },
      body: text,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    const ms = performance.now() - t0;
    let value: ActionResult<unknown>;
    try {
      value = JSON.parse(body);
    } catch {
      value = { ok: false, error: `HTTP ${res.status}: ${body.slice(0, 200)}` };
    }
    return { ms, status: res.status, value };
  }

  /**
   * GETs a read route (`/api/runs/<id>/state`, `/page`) as the browser does;
   * unwraps { ok, data } and throws on { ok: false } or an HTTP error.
   */
  async read<T>(
    path: string,
    query: Record<string, string | number>,
    { timeoutMs = REQUEST_TIMEOUT_MS }: CallOptions = {},
  ): Promise<{ ms: number; data: T; serverMs: Record<string, number> }> {
    const t0 = performance.now();
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const res = await fetch(`${this.base}${path}?${params}`, {
      headers: { Accept: "application/json", ...(this.cookie ? { Cookie: this.cookie } : {}) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    const ms = performance.now() - t0;
    let value: ActionResult<T>;
    try {
      value = JSON.parse(body);
    } catch {
      throw Object.assign(new Error(`${path}: HTTP ${res.status}: ${body.slice(0, 500)}`), { status: res.status, ms });
    }
    if (value.ok !== true) throw new Error(`${path} failed: ${JSON.stringify(value).slice(0, 500)}`);
    return { ms, data: value.data, serverMs: serverTiming(res.headers.get("server-timing")) };
  }

  /** A run's state, waiting up to `waitMs` for news beyond `knownRows` rows. */
  state(runId: string, knownRows: number, waitMs = 1000): Promise<{ ms: number; data: RunView }> {
    return this.read<RunView>(`/api/runs/${runId}/state`, { known: knownRows, wait: waitMs });
  }

  /** A page of a run's stored result, in stored order. */
  page(
    runId: string,
    offset: number,
    limit: number,
  ): Promise<{ ms: number; data: Page; serverMs: Record<string, number> }> {
    return this.read<Page>(`/api/runs/${runId}/page`, { offset, limit });
  }

  /** Like call(), but unwraps { ok, data } and throws on { ok: false }. */
  async data<K extends string>(
    name: K,
    args: unknown,
    options?: CallOptions,
  ): Promise<{ ms: number; data: DataOf<K> }> {
    const { ms, value } = await this.call(name, args, options);
    if (value?.ok !== true) throw new Error(`${name} failed: ${JSON.stringify(value).slice(0, 500)}`);
    return { ms, data: value.data };
  }

  /**
   * Streams /api/runs/<id>/csv, counting bytes and line ends without
   * keeping the body. With `acceptEncoding` (what a browser sends, e.g.
   * "gzip, deflate, br, zstd") the body may come compressed: then only the
   * bytes on the wire are counted. With `all`, every row of a result cut at
   * the cap (a same-origin POST, as the page's button sends it: the query runs again). Returns { bytes, lines, ms, firstByteMs,
   * encoding }.
   */
  csv(
    runId: string,
    {
      acceptEncoding,
      all = false,
      timeoutMs = REQUEST_TIMEOUT_MS,
    }: { acceptEncoding?: string; all?: boolean } & CallOptions = {},
  ): Promise<CsvFigures> {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const headers = {
        Cookie: this.cookie as string,
        ...(acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {}),
        // Every row runs the query again: as the page's form starts it, a POST from the server's own origin.
        ...(all ? { Origin: this.base } : {}),
      };
      const req = http.request(
        `${this.base}/api/runs/${runId}/csv`,
        { method: all ? "POST" : "GET", headers, timeout: timeoutMs },
        (res) => {
          const encoding = res.headers["content-encoding"] ?? "identity";
          const countLines = encoding === "identity";
          let bytes = 0;
          let lines = 0;
          let firstByteMs: number | null = null;
          res.on("data", (chunk: Buffer) => {
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
      req.end();
    });
  }
}

/**
 * The server's event-loop delay since the last reset (see
 * app/api/bench/event-loop), in ms: { maxMs, p99Ms, meanMs, samples }. With
 * `reset`, the server starts counting afresh after answering. Needs a server
 * started with LAKEBOOK_BENCH_PROBES=1.
 */
export async function eventLoopDelay(
  base: string,
  { reset = false, timeoutMs = REQUEST_TIMEOUT_MS }: { reset?: boolean } & CallOptions = {},
): Promise<LoopDelay> {
  const res = await fetch(`${base}/api/bench/event-loop${reset ? "?reset=1" : ""}`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`GET /api/bench/event-loop: HTTP ${res.status} (is LAKEBOOK_BENCH_PROBES=1 set?)`);
  return res.json();
}
