/**
 * Injected failures. Each one-shot fault is consumed by the HTTP layer as
 * requests arrive and clears itself; `delayMs` stays until set back to 0.
 */
export class Faults {
  private unavailableLeft = 0;
  private retryAfterSeconds: number | undefined;
  private unavailableMethods: Set<string> | undefined;
  private dropFetch = false;
  private delay = 0;
  private expiredLinks = 0;
  private linksBeforeExpired = 0;
  /** CloudFetch links' lifetime, when a test shortens it (null: the storage's 15 minutes). */
  linkLifetimeMs: number | null = null;
  /** CloudFetch links point at a host where nothing listens. */
  storageUnreachable = false;
  /** The storage sends files at this rate (0: at once). */
  storageBytesPerSecond = 0;

  /** HTTP 503 for the next `times` Thrift requests (only the named Thrift methods, if given). */
  unavailable(times: number, retryAfterSeconds?: number, methods?: string[]): void {
    this.unavailableLeft = times;
    this.retryAfterSeconds = retryAfterSeconds;
    this.unavailableMethods = methods ? new Set(methods) : undefined;
  }

  dropConnectionOnNextFetch(): void {
    this.dropFetch = true;
  }

  delayMs(ms: number): void {
    this.delay = Math.max(0, ms);
  }

  /** After `skip` good ones, the next `count` CloudFetch links are handed out already expired. */
  expireLinks(count: number, skip = 0): void {
    this.expiredLinks = count;
    this.linksBeforeExpired = skip;
  }

  takeExpiredLink(): boolean {
    if (this.expiredLinks <= 0) return false;
    if (this.linksBeforeExpired > 0) {
      this.linksBeforeExpired -= 1;
      return false;
    }
    this.expiredLinks -= 1;
    return true;
  }

  get currentDelayMs(): number {
    return this.delay;
  }

  /** Whether this request gets a 503, and with which Retry-After; consumes one use. */
  takeUnavailable(method: string | undefined): { retryAfterSeconds?: number } | null {
    if (this.unavailableLeft <= 0) return null;
    if (this.unavailableMethods && !(method && this.unavailableMethods.has(method))) return null;
    this.unavailableLeft -= 1;
    return { retryAfterSeconds: this.retryAfterSeconds };
  }

  /** Whether this request's response is lost (socket destroyed after the server did the work). */
  takeDrop(method: string | undefined): boolean {
    if (!this.dropFetch || method !== "FetchResults") return false;
    this.dropFetch = false;
    return true;
  }
}
