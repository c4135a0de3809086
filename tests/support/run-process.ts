import { spawn } from "node:child_process";

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end with exactly this environment (nothing inherited)
 * and, when given, this text on its standard input; resolves with what it printed.
 */
export function runProcess(
  command: string,
  args: string[],
  options: { env: Record<string, string | undefined>; cwd: string; input?: string },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env as unknown as NodeJS.ProcessEnv, cwd: options.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => {
      stdout += b;
    });
    child.stderr.on("data", (b) => {
      stderr += b;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
