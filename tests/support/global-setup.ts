import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildTemplates } from "./templates";

/**
 * One temporary folder for the whole test run: every test process (forked
 * after this, inheriting TMPDIR) makes its data directories, exports and
 * spill files under it, and it is removed when the run ends, so a run leaves
 * nothing behind in /tmp (it used to leave about 3 GB).
 */
export default async function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-test-run-"));
  process.env.TMPDIR = root;
  const removeTemplates = await buildTemplates();
  return () => {
    removeTemplates();
    fs.rmSync(root, { recursive: true, force: true });
  };
}
