// The build's server actions and their answers: the ids the browser posts, and
// the React Flight format the answers come in.
import fs from "node:fs";
import path from "node:path";

export type ActionIds = Record<string, { id: string; page: string }>;

/**
 * Every server action of the build, from its manifest: by exported name, its
 * id and the page it is posted to (as the browser posts it: a page whose
 * bundle holds the action).
 */
export function actionIds(cwd: string): ActionIds {
  const manifest: { node?: Record<string, { exportedName: string; workers?: Record<string, unknown> }> } = JSON.parse(
    fs.readFileSync(path.join(cwd, ".next/server/server-reference-manifest.json"), "utf8"),
  );
  const ids: ActionIds = {};
  for (const [id, entry] of Object.entries(manifest.node ?? {})) {
    const workers = Object.keys(entry.workers ?? {});
    // The workspace's own page when it has the action, else the first page that does.
    const worker = workers.includes("app/(workspace)/page") ? "app/(workspace)/page" : (workers[0] ?? "app/page");
    const page = `/${worker.replace(/^app\/?/, "").replace(/\/?page$/, "")}`
      .replace(/\([^)]*\)\/?/g, "")
      .replace(/\[[^\]]+\]/g, "x")
      .replace(/\/$/, "");
    ids[entry.exportedName] = { id, page: page || "/" };
  }
  for (const name of ["startRunAction"]) {
    if (!ids[name]) throw new Error(`no action id for ${name} in the server reference manifest`);
  }
  return ids;
}

/**
 * The action's return value from a React Flight response. Rows are
 * `<hex id>:<json>\n`, or `<hex id>:T<hex byte length>,<text>` for a long
 * string (no line end: the next row follows its bytes), referred to as
 * `"$<hex id>"`. The action result is row 1 (row 0 is the response envelope
 * the client router reads).
 */
export function parseFlight(body: Buffer | string): unknown {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const rows = new Map<number, { text?: string; json?: string }>();
  let at = 0;
  while (at < bytes.length) {
    const colon = bytes.indexOf(0x3a, at);
    if (colon < 0) break;
    const id = Number.parseInt(bytes.toString("latin1", at, colon), 16);
    if (bytes[colon + 1] === 0x54 /* T */) {
      const comma = bytes.indexOf(0x2c, colon);
      const length = Number.parseInt(bytes.toString("latin1", colon + 2, comma), 16);
      rows.set(id, { text: bytes.toString("utf8", comma + 1, comma + 1 + length) });
      at = comma + 1 + length;
    } else {
      let end = bytes.indexOf(0x0a, colon);
      if (end < 0) end = bytes.length;
      rows.set(id, { json: bytes.toString("utf8", colon + 1, end) });
      at = end + 1;
    }
  }
  const resolved = new Map<number, unknown>();
  const row = (id: number): unknown => {
    if (!resolved.has(id)) {
      const r = rows.get(id);
      if (!r) throw new Error(`the response has no row ${id}`);
      resolved.set(id, r.text ?? revive(JSON.parse(r.json as string)));
    }
    return resolved.get(id);
  };
  const revive = (value: unknown): unknown => {
    if (typeof value === "string" && value.startsWith("$")) {
      if (value.startsWith("$$")) return value.slice(1);
      if (value === "$undefined") return undefined;
      const ref = /^\$([0-9a-f]+)((?::[^:]+)*)$/.exec(value);
      if (ref)
        return ref[2]
          .split(":")
          .slice(1)
          .reduce(
            (v: unknown, key) => (v as Record<string, unknown> | undefined)?.[key],
            row(Number.parseInt(ref[1], 16)),
          );
      return value;
    }
    if (Array.isArray(value)) return value.map(revive);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
    return value;
  };
  if (!rows.has(1)) throw new Error(`no action result (row 1) in the response:\n${bytes.toString("utf8", 0, 500)}`);
  return row(1);
}
