import "server-only";

/**
 * Checkpoints of the result store after results are removed, so that DuckDB
 * can reuse their blocks.
 */
export class Reclaimer {
  private reclaiming: Promise<void> | null = null;
  private reclaimAgain = false;
  private closed = false;

  constructor(private readonly exec: (sql: string) => Promise<void>) {}

  /**
   * Lets DuckDB reuse the blocks of dropped tables. Dropped blocks are free
   * only after a checkpoint, and DuckDB skips its own while the WAL is small
   * (a DROP writes little): without this the file grew by every result ever
   * stored. DuckDB refuses a CHECKPOINT while another transaction is open, so
   * it is retried, with a growing pause, until one gets through.
   */
  reclaim(): void {
    if (this.reclaiming) {
      this.reclaimAgain = true;
      return;
    }
    this.reclaiming = (async () => {
      let pause = 10;
      do {
        this.reclaimAgain = false;
        while (!this.closed) {
          try {
            await this.exec("CHECKPOINT");
            break;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, pause).unref());
            pause = Math.min(pause * 2, 500);
          }
        }
      } while (this.reclaimAgain && !this.closed);
    })().finally(() => {
      this.reclaiming = null;
    });
  }

  /** Resolves once the blocks of removed results can be reused (see `reclaim`), or after `timeoutMs`. */
  async reclaimed(timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.reclaiming && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        if (Number.isFinite(timeoutMs)) timer = setTimeout(resolve, deadline - Date.now());
      });
      await Promise.race([this.reclaiming, timeout]);
      clearTimeout(timer);
    }
  }

  /** The store is closed: no more checkpoints. */
  stop(): void {
    this.closed = true;
  }
}
