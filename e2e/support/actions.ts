import fs from "node:fs";
import type { APIRequestContext } from "@playwright/test";

interface ManifestEntry {
  filename: string;
  exportedName: string;
  workers: Record<string, unknown>;
}

/** The production build's server actions, by exported name. */
export function serverActions(): Map<string, { id: string; page: string; filename: string }> {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, ManifestEntry>;
  };
  const actions = new Map<string, { id: string; page: string; filename: string }>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    const worker = Object.keys(entry.workers)[0] ?? "app/page";
    const page = `/${worker.replace(/^app\/?/, "").replace(/\/?page$/, "")}`
      .replace(/\([^)]*\)\/?/g, "")
      .replace(/\[[^\]]+\]/g, "x")
      .replace(/\/$/, "");
    actions.set(entry.exportedName, { id, page: page || "/", filename: entry.filename });
  }
  return actions;
}

/**
 * Calls a server action the way the browser does (POST with a Next-Action
 * header), with whatever session `request` carries, and returns its result.
 */
export async function callAction(request: APIRequestContext, name: string, ...args: unknown[]): Promise<unknown> {
  const action = serverActions().get(name);
  if (!action) throw new Error(`no server action named ${name}`);
  const response = await request.post(action.page, {
    headers: { "Next-Action": action.id, Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8" },
    data: JSON.stringify(args),
  });
  const text = await response.text();
  const line = text.split("\n").find((l) => l.startsWith("1:"));
  if (!line) throw new Error(`unexpected action response (${response.status()}): ${text.slice(0, 300)}`);
  return JSON.parse(line.slice(2));
}
