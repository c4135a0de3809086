import "server-only";
import fs from "node:fs";
import path from "node:path";
import { formatByteSize } from "@/lib/byte-size";
import { log } from "../log";

/**
 * How much disk the result store may use. `results` holds stored results and
 * their sort indexes, `perMember` is the part of it one member's results may
 * take, and `files` holds the temporary CSV files of downloads (an eighth of
 * the total, apart, so that downloads never wait for results to be removed).
 */
export interface BudgetLimits {
  results: number;
  perMember: number;
  files: number;
}

/** With no budget set, the store may use half of what the disk had free at start, at least this. */
const FLOOR = 1e9;

/**
 * The budget from the settings, or derived from the free space of the file
 * system holding `dir` at start (plus what the store already holds there):
 * half of it, a quarter of that per member, and never less than 1 GB, so a
 * nearly full disk still stores results.
 */
export function budgetLimits(dir: string, settings: { total?: number; perMember?: number }): BudgetLimits {
  let total = settings.total;
  if (total === undefined) {
    fs.mkdirSync(dir, { recursive: true });
    const disk = fs.statfsSync(dir);
    total = Math.max(FLOOR, Math.floor((disk.bavail * disk.bsize + directoryBytes(dir)) / 2));
  }
  const files = Math.floor(total / 8);
  const results = total - files;
  return { results, files, perMember: Math.min(results, settings.perMember ?? Math.floor(total / 4)) };
}

export function describeLimits(limits: BudgetLimits): string {
  return `${formatByteSize(limits.results + limits.files)} (${formatByteSize(limits.perMember)} of results per member)`;
}

/** Bytes of the files in a directory and below. */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    try {
      if (entry.isDirectory()) total += directoryBytes(file);
      else if (entry.isFile()) total += fs.statSync(file).size;
    } catch {
      // Removed meanwhile.
    }
  }
  return total;
}

/** What a writer must get room for: whose results to remove from, and how many bytes. */
export interface Shortfall {
  /** The member whose own results make room, or null for the whole store. */
  owner: string | null;
  bytes: number;
}

export interface Holding {
  key: string;
  owner: string;
  bytes: number;
  /** Rows of a stored result (its sort indexes are sized from them). */
  rows: number;
  /** Last written or read (ms): the least recently used results go first. */
  usedAt: number;
}

interface Entry extends Holding {
  /** Held by a writer or a download: never removed meanwhile. */
  pins: number;
  /** A download's temporary file, charged to `files`. */
  file: boolean;
}

/**
 * The result store's ledger: the bytes each stored result (with its sort
 * indexes) and each download file holds, by the measure of chunk-bytes.ts.
 * Bytes are charged before they are written, synchronously, so writers
 * running at once can never pass the budget together; a writer that finds no
 * room asks `evict` (installed by the run catalog, which knows what is
 * pinned) to remove results, one eviction at a time.
 */
export class StoreBudget {
  private readonly entries = new Map<string, Entry>();
  private results = 0;
  private files = 0;
  private readonly byOwner = new Map<string, number>();
  private evicting: Promise<unknown> = Promise.resolve();
  private readonly fileWaiters = new Set<() => void>();
  /** Removes results to make room; resolves to the bytes freed (0: nothing left to remove). */
  evict: ((shortfall: Shortfall) => Promise<number>) | null = null;

  constructor(readonly limits: BudgetLimits) {}

  /** Starts holding bytes under `key`; a writer or download holds it pinned. */
  open(
    key: string,
    owner: string,
    options: { bytes?: number; rows?: number; usedAt?: number; file?: boolean; pinned?: boolean } = {},
  ) {
    this.release(key);
    const entry: Entry = {
      key,
      owner,
      bytes: 0,
      rows: options.rows ?? 0,
      usedAt: options.usedAt ?? Date.now(),
      pins: options.pinned ? 1 : 0,
      file: options.file ?? false,
    };
    this.entries.set(key, entry);
    this.add(entry, options.bytes ?? 0);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  holding(key: string): Holding | undefined {
    return this.entries.get(key);
  }

  /** Frees everything `key` holds. */
  release(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.add(entry, -entry.bytes);
    this.entries.delete(key);
    if (entry.file) this.wakeFileWaiters();
  }

  /**
   * Takes a result that may be removed out of the ledger at once, so that
   * nothing pins it while it is dropped; false if it is pinned or gone.
   */
  retire(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry || entry.file || entry.pins > 0) return false;
    this.release(key);
    return true;
  }

  isPinned(key: string): boolean {
    return (this.entries.get(key)?.pins ?? 0) > 0;
  }

  pin(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry) entry.pins += 1;
    return entry !== undefined;
  }

  unpin(key: string): void {
    const entry = this.entries.get(key);
    if (entry) entry.pins = Math.max(0, entry.pins - 1);
  }

  touch(key: string, rows?: number): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.usedAt = Date.now();
    if (rows !== undefined) entry.rows = rows;
  }

  /** Charges `bytes` to `key` if they fit now; never waits. */
  tryCharge(key: string, bytes: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.room(key) < bytes) return false;
    this.add(entry, bytes);
    return true;
  }

  /** Charges `bytes` whatever the room (the true size of what is already written). */
  forceCharge(key: string, bytes: number): void {
    const entry = this.entries.get(key);
    if (entry) this.add(entry, Math.max(-entry.bytes, bytes));
  }

  /** Bytes `key` may still be charged now: within its pool and, for a result, its owner's share. */
  room(key: string): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    if (entry.file) return this.limits.files - this.files;
    return Math.min(this.limits.results - this.results, this.limits.perMember - (this.byOwner.get(entry.owner) ?? 0));
  }

  /**
   * Charges `bytes` to a result, removing other results first if they do not
   * fit: the owner's own while over their share, anyone's while over the
   * total. False when not even removing everything removable makes room.
   */
  async charge(key: string, bytes: number): Promise<boolean> {
    for (;;) {
      if (this.tryCharge(key, bytes)) return true;
      const entry = this.entries.get(key);
      if (!entry || entry.file || !this.evict) return false;
      const evict = this.evict;
      const round = this.evicting.then(async () => {
        const shortfall = this.shortfall(entry, bytes);
        return shortfall ? evict(shortfall) : 1;
      });
      // A failure to make room (the metadata store unreachable) leaves the writer without it, not failing.
      const freed = round.catch((error: unknown) => {
        log.error("could not remove results to make room", error);
        return 0;
      });
      this.evicting = freed;
      if ((await freed) === 0) return this.tryCharge(key, bytes);
    }
  }

  /** Charges a download file, waiting up to `waitMs` for other downloads to free room (files never evict results). */
  async chargeFile(key: string, bytes: number, waitMs: number): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    while (!this.tryCharge(key, bytes)) {
      const left = deadline - Date.now();
      if (left <= 0 || !this.entries.has(key)) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.fileWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.fileWaiters.add(wake);
      });
    }
    return true;
  }

  /** Results that may be removed to make room (neither being written nor downloaded), least recently used first. */
  removable(owner: string | null): Holding[] {
    return [...this.entries.values()]
      .filter((e) => !e.file && e.pins === 0 && (owner === null || e.owner === owner))
      .sort((a, b) => a.usedAt - b.usedAt)
      .map(({ key, owner, bytes, rows, usedAt }) => ({ key, owner, bytes, rows, usedAt }));
  }

  usage(owner?: string): { results: number; files: number; member: number } {
    return { results: this.results, files: this.files, member: owner ? (this.byOwner.get(owner) ?? 0) : 0 };
  }

  private shortfall(entry: Entry, bytes: number): Shortfall | null {
    const own = (this.byOwner.get(entry.owner) ?? 0) + bytes - this.limits.perMember;
    if (own > 0) return { owner: entry.owner, bytes: own };
    const all = this.results + bytes - this.limits.results;
    return all > 0 ? { owner: null, bytes: all } : null;
  }

  private add(entry: Entry, bytes: number): void {
    entry.bytes += bytes;
    if (entry.file) {
      this.files += bytes;
      if (bytes < 0) this.wakeFileWaiters();
      return;
    }
    this.results += bytes;
    this.byOwner.set(entry.owner, (this.byOwner.get(entry.owner) ?? 0) + bytes);
  }

  private wakeFileWaiters(): void {
    for (const wake of [...this.fileWaiters]) wake();
  }
}
