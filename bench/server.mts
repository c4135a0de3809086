// Starts and stops a production Lakebook server for the benchmark, and finds
// the process that actually serves (owns the listening socket), so memory is
// read from the right pid even if `next start` forks or is wrapped.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { BENCH_ADMIN } from "./client.mjs";

/** A production server started by the bench (see startServer). */
export interface BenchServer {
  base: string;
  port: number;
  /** The process that serves (owns the listening socket); 0 until it is found. */
  pid: number;
  wrapperPid: number | undefined;
  exited: () => Exit | null;
  stop: () => Promise<void>;
}
type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** CPU use during a phase (see cpuWatch), in seconds. */
export interface CpuFigures {
  wallS: number;
  serverCpuS: number;
  benchCpuS: number;
  otherCpuS: number;
  stealS: number;
}

/** Every server this process started and has not stopped yet. */
const started = new Set<BenchServer>();

/** Stops every server this process started (for an interrupted bench). */
export async function stopAllServers(): Promise<void> {
  await Promise.allSettled([...started].map((server) => server.stop()));
}

/** A free TCP port on 127.0.0.1 (asks the kernel, then releases it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** pid and all of its descendants (Linux /proc). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (ppid) follows the ")" that ends the command name.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)?.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

/** Inodes of sockets listening on `port` (IPv4 and IPv6). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const localPort = Number.parseInt(f[1].split(":")[1], 16);
      if (localPort === port && f[3] === "0A") inodes.add(f[9]);
    }
  }
  return inodes;
}

/** The pid among `root` and its descendants that holds the socket listening on `port`. */
export function listeningPid(root: number, port: number): number | null {
  const inodes = listeningInodes(port);
  for (const pid of descendants(root)) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return pid;
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return null;
}

/** Fields of /proc/<pid>/status in bytes (VmHWM, VmRSS, ...). */
export function procMemory(pid: number): { hwm: number; rss: number; name: string } {
  const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  // Linux always reports both; a field it did not would read as null in the saved figures.
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : (null as unknown as number);
  };
  return { hwm: kb("VmHWM"), rss: kb("VmRSS"), name: /^Name:\s+(.*)$/m.exec(text)?.[1] ?? "?" };
}

/**
 * Starts `pid`'s VmHWM again from its current RSS (Linux: `5` to clear_refs),
 * so that a peak is measured for one phase only. False when not allowed.
 */
export function resetPeakMemory(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds (user + system) used so far by `pid`. */
export function procCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 (1-based) of stat; f starts at field 3.
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * Starts the app with `npm start` on a free port with the given data directory, waits until
 * it answers, and returns a handle. `env` is merged over the bench's env. Start-up takes
 * seconds on a quiet machine and has taken a minute on a busy one; it is not a figure.
 */
export async function startServer({
  cwd,
  dataDir,
  env = {},
  logFile,
  startupTimeoutMs = 300_000,
}: {
  cwd: string;
  dataDir: string;
  env?: Record<string, string>;
  logFile: string;
  startupTimeoutMs?: number;
}): Promise<BenchServer> {
  const port = await freePort();
  const log = fs.openSync(logFile, "a");
  // `npm start`, as the README starts the app, so that its Node options are measured too.
  const child = spawn("npm", ["start", "--silent", "--", "-H", "127.0.0.1", "-p", String(port)], {
    cwd,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      LAKEBOOK_DATA_DIR: dataDir,
      LAKEBOOK_ADMIN_EMAIL: BENCH_ADMIN.email,
      LAKEBOOK_ADMIN_PASSWORD: BENCH_ADMIN.password,
      ...env,
    },
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  let exited: Exit | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const server: BenchServer = {
    base: `http://127.0.0.1:${port}`,
    port,
    pid: 0,
    wrapperPid: child.pid,
    exited: () => exited,
    /** Stops this server's own processes, by pid: SIGTERM, then SIGKILL after 5 s. */
    async stop() {
      if (exited) {
        started.delete(server);
        return;
      }
      const pids = descendants(child.pid as number).reverse();
      const signal = (name: NodeJS.Signals) => {
        for (const p of pids) {
          try {
            process.kill(p, name);
          } catch {
            // already gone
          }
        }
      };
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 5_000);
      await exit;
      clearTimeout(timer);
      started.delete(server);
    },
  };
  started.add(server);
  try {
    const deadline = Date.now() + startupTimeoutMs;
    for (;;) {
      if (exited) throw new Error(`server exited during start-up (${JSON.stringify(exited)}); see ${logFile}`);
      if (Date.now() > deadline)
        throw new Error(`server did not answer within ${startupTimeoutMs / 1000} s; see ${logFile}`);
      try {
        const res = await fetch(`${server.base}/favicon.ico`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const pid = listeningPid(child.pid as number, port);
    if (!pid) throw new Error(`could not find the process listening on port ${port}`);
    server.pid = pid;
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** After a failure: the end of the server's log, where its side of the story is. */
export function printServerLog(logFile: string): void {
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim() : "";
  if (text) console.error(`--- server log (last 40 lines) ---\n${text.split("\n").slice(-40).join("\n")}`);
}

/** CPU seconds all processes on the machine have used so far (busy time of /proc/stat, all cores). */
export function machineBusySeconds(): { busy: number; steal: number; idle: number } {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user + nice + system + irq + softirq) / 100, steal: (steal || 0) / 100, idle: (idle + iowait) / 100 };
}

/**
 * Watches CPU use during a phase: how much went to the server, to this bench
 * process, and to anything else on the machine (another job sharing the
 * cores makes the figures unreliable).
 */
export function cpuWatch(serverPid: number | null): () => CpuFigures {
  const m0 = machineBusySeconds();
  const s0 = serverPid ? procCpuSeconds(serverPid) : 0;
  const b0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const m1 = machineBusySeconds();
    const b1 = process.cpuUsage(b0);
    const server = serverPid ? procCpuSeconds(serverPid) - s0 : 0;
    const bench = (b1.user + b1.system) / 1e6;
    const busy = m1.busy - m0.busy;
    return {
      wallS: (performance.now() - t0) / 1000,
      serverCpuS: server,
      benchCpuS: bench,
      otherCpuS: Math.max(0, busy - server - bench),
      stealS: m1.steal - m0.steal,
    };
  };
}

/** Samples a process's RSS every `everyMs` until stopped; returns the highest value seen (bytes). */
export function rssSampler(pid: number, everyMs = 50): () => number {
  let max = procMemory(pid).rss;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, procMemory(pid).rss);
    } catch {
      // the process ended
    }
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    return Math.max(max, procMemory(pid).rss);
  };
}
