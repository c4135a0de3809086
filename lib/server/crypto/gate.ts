import "server-only";
import { UserError } from "@/lib/action-result";

/** Said when the queue of a gate is full. */
export const BUSY_MESSAGE = "The server is busy checking passwords. Try again in a moment.";

/**
 * A small semaphore with a bounded queue: at most `concurrency` tasks run at
 * once, up to `queueLimit` more wait their turn, and any beyond that are
 * refused at once (a UserError saying the server is busy) instead of piling
 * up memory and latency. Password hashing runs behind one, so that anonymous
 * requests cannot occupy every CPU core and the thread pool with scrypt.
 */
export class Gate {
  private running = 0;
  private started = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly queueLimit: number,
  ) {}

  /** Runs `task` when a place is free; throws a busy UserError when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) throw new UserError(BUSY_MESSAGE, "busy");
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    this.started++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The place passes straight to the next waiter, so `running` stays the same.
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks running and waiting, and how many were ever started, for tests and diagnostics. */
  get load(): { running: number; waiting: number; started: number } {
    return { running: this.running, waiting: this.waiting.length, started: this.started };
  }
}
