// Talks to a running Lakebook server the way the browser does: the editor's
// server actions over POST / (React Flight responses) and the CSV route.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const ACTIONS_FILE = "app/(workspace)/editor/actions.ts";

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

export class Client {
  constructor(base, cwd) {
    this.base = base;
    this.ids = actionIds(cwd);
    this.cookie = null;
  }

  /** Loads the workspace page once, as a browser would, to receive the client cookie. */
  async init() {
    const res = await fetch(`${this.base}/`, { redirect: "manual" });
    await res.arrayBuffer();
    const set = res.headers.getSetCookie().find((c) => c.startsWith("lakebook_client="));
    if (!set) throw new Error(`GET / did not set the lakebook_client cookie (status ${res.status})`);
    this.cookie = set.split(";")[0];
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
   * keeping the body. Returns { bytes, lines, ms, firstByteMs, status }.
   */
  csv(runId) {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.get(`${this.base}/api/runs/${runId}/csv`, { headers: { Cookie: this.cookie } }, (res) => {
        let bytes = 0;
        let lines = 0;
        let firstByteMs = null;
        res.on("data", (chunk) => {
          firstByteMs ??= performance.now() - t0;
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        });
        res.on("end", () => {
          if (res.statusCode !== 200) reject(new Error(`CSV download: HTTP ${res.statusCode}`));
          else resolve({ bytes, lines, ms: performance.now() - t0, firstByteMs, status: res.statusCode });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
    });
  }
}
