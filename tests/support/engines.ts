import { type Engine, EngineError, type EngineSession, type Place, type Progress } from "@/lib/server/engines/types";

/** Sessions open on an engine now (one per run or download), the most at once, and the SQL they ran. */
export class Counter {
  now = 0;
  max = 0;
  /** Every statement's SQL, in the order the engine was asked to run them. */
  readonly executed: string[] = [];

  enter(): void {
    this.now += 1;
    this.max = Math.max(this.max, this.now);
  }

  leave(): void {
    this.now -= 1;
  }
}

/**
 * Holds statements before they reach the engine until the test lets them go,
 * so a test can keep slots taken without keeping the CPU busy. A statement
 * whose run is cancelled while held ends as the engines end a cancelled one.
 */
export class Gate {
  private readonly held = new Map<string, { sql: string; go: () => void }>();
  private seq = 0;
  closed = true;

  wait(sql: string, signal: AbortSignal): Promise<void> {
    if (!this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const key = String(this.seq++);
      const stop = () => {
        this.held.delete(key);
        reject(new EngineError("Query cancelled", { cancelled: true }));
      };
      this.held.set(key, {
        sql,
        go: () => {
          signal.removeEventListener("abort", stop);
          this.held.delete(key);
          resolve();
        },
      });
      signal.addEventListener("abort", stop, { once: true });
    });
  }

  /** SQL of the statements held now. */
  holding(): string[] {
    return [...this.held.values()].map((h) => h.sql);
  }

  /** Lets the held statements whose SQL contains `text` go; with no text, all of them, and opens the gate. */
  release(text?: string): void {
    if (text === undefined) this.closed = false;
    for (const held of [...this.held.values()]) if (text === undefined || held.sql.includes(text)) held.go();
  }
}

/**
 * The real engine, with each session counted on `counters` from its opening
 * until it is closed (a run's statements all run in its session), and every
 * statement passed through `gate` first, if given.
 */
export function observed(engine: Engine, counters: Counter[], gate?: Gate): Engine {
  return new Proxy(engine, {
    get(target, property, receiver) {
      if (property !== "openSession") return Reflect.get(target, property, receiver);
      return async (progress?: Progress, place?: Place | null): Promise<EngineSession> => {
        for (const counter of counters) counter.enter();
        let session: EngineSession;
        try {
          session = await target.openSession(progress, place);
        } catch (error) {
          for (const counter of counters) counter.leave();
          throw error;
        }
        let open = true;
        return {
          async execute(sql, signal, progress) {
            for (const counter of counters) counter.executed.push(sql);
            await gate?.wait(sql, signal);
            return session.execute(sql, signal, progress);
          },
          place: () => session.place(),
          async close() {
            await session.close();
            if (open) for (const counter of counters) counter.leave();
            open = false;
          },
        };
      };
    },
  });
}
