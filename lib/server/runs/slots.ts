import "server-only";
import { UserError } from "@/lib/action-result";
import { config } from "../config";
import { log } from "../log";

/** Runs one member may have waiting for a slot; beyond that a run is refused, not queued. */
export const WAITING_PER_MEMBER = 32;

export interface SlotLimits {
  /** Statements the whole server runs at once, on every engine. */
  total: number;
  /** Statements one member runs at once. */
  perMember: number;
  /** Runs one member may have waiting; one more is refused instead of queued. */
  waitingPerMember: number;
}

/** Why a slot has not been granted yet. */
export type Wait =
  /** Every slot of the server is taken; `ahead` waiting runs start before this one. */
  | { kind: "server"; ahead: number }
  /** The member runs as many statements as one may (`limit`); `ahead` of their own wait before this one. */
  | { kind: "member"; limit: number; ahead: number };

interface Member {
  held: number;
  /** Their waiting slots, oldest first. */
  queue: Slot[];
}

/**
 * The right to run one statement on an engine: a run or a full download takes
 * one before it starts and releases it once its engine session is closed.
 * Taking is synchronous, so a burst of parallel requests can never pass the
 * limits before any of them is counted.
 */
export class Slot {
  /** Null once granted (or released). */
  wait: Wait | null = null;
  /** Told whenever `wait` changes while the slot waits. */
  onWait: ((wait: Wait) => void) | null = null;
  /** Resolves true once granted, false if released while still waiting. */
  readonly granted: Promise<boolean>;
  state: "waiting" | "held" | "released" = "waiting";
  private resolve!: (granted: boolean) => void;

  constructor(
    readonly owner: string,
    readonly seq: number,
    private readonly queue: SlotQueue,
  ) {
    this.granted = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  /**
   * Resolves true once granted; an abort while still waiting leaves the queue
   * and resolves false. An abort after the grant is the caller's to notice.
   */
  async whenGranted(signal: AbortSignal): Promise<boolean> {
    if (this.state === "held") return true;
    const leave = () => this.release();
    if (signal.aborted) leave();
    signal.addEventListener("abort", leave, { once: true });
    try {
      return await this.granted;
    } finally {
      signal.removeEventListener("abort", leave);
    }
  }

  /** Gives the slot back, or leaves the queue; safe to call more than once. */
  release(): void {
    if (this.state === "released") return;
    const was = this.state;
    this.state = "released";
    this.wait = null;
    this.resolve(false);
    this.queue.released(this, was);
  }

  /** @internal for SlotQueue */
  grant(): void {
    this.state = "held";
    this.wait = null;
    this.resolve(true);
  }

  /** @internal for SlotQueue */
  waitIs(wait: Wait): void {
    const same = this.wait?.kind === wait.kind && this.wait.ahead === wait.ahead;
    this.wait = wait;
    if (!same) this.onWait?.(wait);
  }
}

/**
 * The server's slots, shared fairly. A slot that frees goes to a waiting
 * member who holds the fewest slots (oldest first among equals), skipping
 * members at their own limit: a member with many runs waits behind their own
 * runs only, and can neither block the head of the queue for others nor keep
 * a member who holds fewer slots waiting while their own runs take turns.
 */
export class SlotQueue {
  private held = 0;
  private seq = 0;
  private readonly members = new Map<string, Member>();

  constructor(private readonly limits: SlotLimits) {}

  /** A slot for `owner`: granted at once when one is free to them, or waiting in the queue. */
  take(owner: string): Slot {
    const member = this.members.get(owner) ?? { held: 0, queue: [] };
    this.members.set(owner, member);
    const slot = new Slot(owner, this.seq++, this);
    // Whenever slots are free, no waiting run could take one (see pump), so a free one is this run's.
    if (this.held < this.limits.total && member.held < this.limits.perMember) {
      this.held += 1;
      member.held += 1;
      slot.grant();
      return slot;
    }
    if (member.queue.length >= this.limits.waitingPerMember) {
      this.forgetIfIdle(owner, member);
      throw new UserError(
        `You already have ${member.queue.length} queries waiting for a free slot. Cancel some of them, or wait until they have started.`,
        "busy",
      );
    }
    member.queue.push(slot);
    this.updateWaits();
    return slot;
  }

  /** Slots granted now, on the whole server. */
  inUse(): number {
    return this.held;
  }

  /** Slots waiting now, on the whole server. */
  waiting(): number {
    let count = 0;
    for (const member of this.members.values()) count += member.queue.length;
    return count;
  }

  /** @internal for Slot */
  released(slot: Slot, was: "waiting" | "held"): void {
    const member = this.members.get(slot.owner);
    if (!member) return;
    if (was === "held") {
      this.held -= 1;
      member.held -= 1;
    } else {
      member.queue.splice(member.queue.indexOf(slot), 1);
    }
    this.forgetIfIdle(slot.owner, member);
    this.pump();
  }

  private pump(): void {
    while (this.held < this.limits.total) {
      const member = this.next(
        (m) => m.held,
        () => 0,
      );
      if (!member) break;
      const slot = member.queue.shift() as Slot;
      this.held += 1;
      member.held += 1;
      slot.grant();
    }
    this.updateWaits();
  }

  /**
   * The member whose next waiting run (their queue from `at`) is granted
   * next: among those under their own limit, the fewest held, then the oldest.
   */
  private next(heldOf: (m: Member) => number, at: (m: Member) => number): Member | null {
    let best: Member | null = null;
    let bestHeld = 0;
    let bestSeq = 0;
    for (const member of this.members.values()) {
      const head = member.queue[at(member)];
      const held = heldOf(member);
      if (!head || held >= this.limits.perMember) continue;
      if (!best || held < bestHeld || (held === bestHeld && head.seq < bestSeq)) {
        best = member;
        bestHeld = held;
        bestSeq = head.seq;
      }
    }
    return best;
  }

  /**
   * Tells each waiting slot where it stands, by playing the grants forward:
   * the order in which the waiting runs would start if slots freed one by one.
   * A run whose member would reach their own limit first waits for their runs.
   */
  private updateWaits(): void {
    const held = new Map<Member, number>();
    const index = new Map<Member, number>();
    for (let ahead = 0; ; ahead++) {
      const member = this.next(
        (m) => held.get(m) ?? m.held,
        (m) => index.get(m) ?? 0,
      );
      if (!member) break;
      const at = index.get(member) ?? 0;
      member.queue[at].waitIs({ kind: "server", ahead });
      held.set(member, (held.get(member) ?? member.held) + 1);
      index.set(member, at + 1);
    }
    for (const member of this.members.values()) {
      const from = index.get(member) ?? 0;
      for (let i = from; i < member.queue.length; i++) {
        member.queue[i].waitIs({ kind: "member", limit: this.limits.perMember, ahead: i });
      }
    }
  }

  private forgetIfIdle(owner: string, member: Member): void {
    if (member.held === 0 && member.queue.length === 0) this.members.delete(owner);
  }
}

/** What a waiting run tells its member. */
export function waitMessage(wait: Wait): string {
  if (wait.kind === "server") {
    return wait.ahead === 0
      ? "Waiting for a free slot: next in line."
      : `Waiting for a free slot: ${wait.ahead} ahead.`;
  }
  const more = wait.ahead > 0 ? ` (${wait.ahead} more of yours wait ahead of it)` : "";
  return `Waiting for a free slot: one member may run ${wait.limit} queries at once, so this one starts when one of yours ends${more}.`;
}

/**
 * Threads kept free in Node's thread pool for everything but statements. The
 * pool (UV_THREADPOOL_SIZE, read once at start, 4 unless set) runs every
 * DuckDB call, file read and compression; a long statement on the built-in
 * warehouse holds one thread until it ends, so as many long statements as
 * threads would stop the whole server, reading a file included.
 */
const POOL_RESERVE = 4;

/** Statements the server runs at once: as configured, as far as the thread pool allows. */
export function serverLimit(configured: number, poolSize: number): number {
  return Math.max(1, Math.min(configured, poolSize - POOL_RESERVE));
}

// One queue per server process, shared by every Next.js bundle.
const holder = globalThis as { __lakebookSlots?: SlotQueue };

/** The server's slots, with the limits of its configuration. */
export function runSlots(): SlotQueue {
  if (!holder.__lakebookSlots) {
    const configured = config().LAKEBOOK_MAX_CONCURRENT_RUNS;
    const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    const total = serverLimit(configured, pool);
    if (total < configured) {
      log.warn(
        `running at most ${total} ${total === 1 ? "query" : "queries"} at once, not ${configured}: Node's thread pool has ${pool} threads. Start with npm start, or set UV_THREADPOOL_SIZE to ${configured + POOL_RESERVE} or more.`,
      );
    }
    holder.__lakebookSlots = new SlotQueue({
      total,
      perMember: config().LAKEBOOK_MAX_RUNS_PER_USER,
      waitingPerMember: WAITING_PER_MEMBER,
    });
  }
  return holder.__lakebookSlots;
}
