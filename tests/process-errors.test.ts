import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** A Node process like the server's: loads the module, then a promise fails with nobody awaiting it. */
function runWith(install: boolean) {
  const script = `
const { installErrorHandlers } = require("./lib/server/process-errors.ts");
if (${install}) installErrorHandlers();
Promise.reject(new Error("the driver gave up, password=hunter2hunter2"));
setTimeout(() => console.log("still serving"), 200);
`;
  return spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "-e", script], {
    encoding: "utf8",
    cwd: process.cwd(),
    timeout: 30_000,
  });
}

describe("an unhandled rejection", () => {
  it("is logged and the process keeps running", () => {
    const result = runWith(true);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("still serving");
    expect(result.stdout).toContain("nothing handled it");
    expect(result.stdout).toContain("the driver gave up");
    expect(result.stdout + result.stderr).not.toContain("hunter2hunter2");
  });

  it("would end the process without the handler (Node's default)", () => {
    const result = runWith(false);
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain("still serving");
  });
});
