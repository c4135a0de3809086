import { describe, expect, it } from "vitest";
import { type Slot, SlotQueue, serverLimit, waitMessage } from "./slots";

const limits = (total: number, perMember: number, waitingPerMember = 100) => ({ total, perMember, waitingPerMember });

describe("run slots", () => {
  it("grants up to the server's limit, then queues in order and says how many are ahead", async () => {
    const slots = new SlotQueue(limits(2, 10));
    const [a, b] = [slots.take("ann"), slots.take("bob")];
    expect([a.state, b.state]).toEqual(["held", "held"]);
    const waiting = ["cat", "dan", "eve"].map((who) => slots.take(who));
    expect(waiting.map((s) => s.wait)).toEqual([
      { kind: "server", ahead: 0 },
      { kind: "server", ahead: 1 },
      { kind: "server", ahead: 2 },
    ]);
    expect(waitMessage(waiting[2].wait!)).toBe("Waiting for a free slot: 2 ahead.");
    expect(waitMessage(waiting[0].wait!)).toBe("Waiting for a free slot: next in line.");
    const told: string[] = [];
    waiting[2].onWait = (wait) => told.push(waitMessage(wait));

    a.release();
    expect(await waiting[0].granted).toBe(true);
    expect(waiting[0].wait).toBeNull();
    expect(waiting[2].wait).toEqual({ kind: "server", ahead: 1 });
    b.release();
    expect(await waiting[1].granted).toBe(true);
    expect(told).toEqual(["Waiting for a free slot: 1 ahead.", "Waiting for a free slot: next in line."]);
    expect(slots.inUse()).toBe(2);
    expect(slots.waiting()).toBe(1);
  });

  it("keeps a member at their own limit waiting for their own runs, never blocking others", () => {
    const slots = new SlotQueue(limits(10, 2));
    const mine = Array.from({ length: 5 }, () => slots.take("ann"));
    expect(mine.map((s) => s.state)).toEqual(["held", "held", "waiting", "waiting", "waiting"]);
    expect(mine[2].wait).toEqual({ kind: "member", limit: 2, ahead: 0 });
    expect(mine[4].wait).toEqual({ kind: "member", limit: 2, ahead: 2 });
    expect(waitMessage(mine[4].wait!)).toBe(
      "Waiting for a free slot: one member may run 2 queries at once, so this one starts when one of yours ends (2 more of yours wait ahead of it).",
    );
    // Another member is not queued behind them: the server has free slots.
    expect(slots.take("bob").state).toBe("held");
    mine[0].release();
    expect(mine[2].state).toBe("held");
    expect(mine[3].wait).toEqual({ kind: "member", limit: 2, ahead: 0 });
  });

  it("gives a freed slot to the waiting member who holds the fewest, so nobody under their limit waits forever", () => {
    const slots = new SlotQueue(limits(3, 2));
    const ann = Array.from({ length: 12 }, () => slots.take("ann"));
    const bob = slots.take("bob");
    expect(bob.state).toBe("held");
    const cat = slots.take("cat");
    // Ann's next run would start first only if it were older and she held fewer: she holds 2, Cat none.
    expect(cat.wait).toEqual({ kind: "server", ahead: 0 });
    ann[0].release();
    expect(cat.state).toBe("held");
    expect(ann[2].state).toBe("waiting");
    // Each member now holds one slot or more; a freed slot of Bob's goes to Ann (one held), not to nobody.
    bob.release();
    expect(ann[2].state).toBe("held");
    // Ann's own runs take turns in her slots, in order.
    ann[1].release();
    expect(ann[3].state).toBe("held");
    expect(ann.slice(4).every((s) => s.state === "waiting")).toBe(true);
  });

  it("plays the grants forward for positions: a member's second run waits behind everyone else's first", () => {
    const slots = new SlotQueue(limits(2, 5));
    const [ann1, dan1] = [slots.take("ann"), slots.take("dan")];
    const [ann2, ann3, bob1, cat1] = [slots.take("ann"), slots.take("ann"), slots.take("bob"), slots.take("cat")];
    // Ann holds one already: Bob and Cat, who hold none, start first; then Ann's, oldest first.
    expect([bob1.wait, cat1.wait, ann2.wait, ann3.wait]).toEqual([
      { kind: "server", ahead: 0 },
      { kind: "server", ahead: 1 },
      { kind: "server", ahead: 2 },
      { kind: "server", ahead: 3 },
    ]);
    dan1.release();
    expect(bob1.state).toBe("held");
    expect([cat1.wait, ann2.wait, ann3.wait]).toEqual([
      { kind: "server", ahead: 0 },
      { kind: "server", ahead: 1 },
      { kind: "server", ahead: 2 },
    ]);
    // When Ann's own run ends she holds none, as Cat: the older run goes first.
    ann1.release();
    expect(ann2.state).toBe("held");
    expect(cat1.wait).toEqual({ kind: "server", ahead: 0 });
  });

  it("leaves the queue when released while waiting, and a cancelled wait resolves false", async () => {
    const slots = new SlotQueue(limits(1, 1));
    const held = slots.take("ann");
    const bob = slots.take("bob");
    const cat = slots.take("cat");
    const stop = new AbortController();
    const waiting = bob.whenGranted(stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(bob.state).toBe("released");
    expect(cat.wait).toEqual({ kind: "server", ahead: 0 });
    held.release();
    expect(await cat.whenGranted(new AbortController().signal)).toBe(true);
    // Releasing twice frees one slot, not two.
    held.release();
    cat.release();
    cat.release();
    expect(slots.inUse()).toBe(0);
    expect(slots.take("dan").state).toBe("held");
    expect(slots.inUse()).toBe(1);
  });

  it("refuses a run beyond what one member may have waiting, with a message that says what to do", () => {
    const slots = new SlotQueue(limits(4, 1, 3));
    slots.take("ann");
    for (let i = 0; i < 3; i++) slots.take("ann");
    expect(() => slots.take("ann")).toThrow("You already have 3 queries waiting for a free slot. Cancel some");
    // Others are not affected.
    expect(slots.take("bob").state).toBe("held");
  });

  it("never exceeds either limit and never idles a slot someone could use, whatever the order of events", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const slots = new SlotQueue(limits(5, 2, 1000));
    const owners = ["a", "b", "c", "d", "e", "f", "g"];
    const live: Slot[] = [];
    for (let step = 0; step < 2000; step++) {
      if (random() < 0.55) live.push(slots.take(owners[Math.floor(random() * owners.length)]));
      else if (live.length > 0) live.splice(Math.floor(random() * live.length), 1)[0].release();
      const held = live.filter((s) => s.state === "held");
      const waiting = live.filter((s) => s.state === "waiting");
      expect(held.length).toBe(slots.inUse());
      expect(held.length).toBeLessThanOrEqual(5);
      const perOwner = new Map<string, number>();
      for (const s of held) perOwner.set(s.owner, (perOwner.get(s.owner) ?? 0) + 1);
      for (const count of perOwner.values()) expect(count).toBeLessThanOrEqual(2);
      // Work-conserving: a free slot means nobody waiting could take it.
      if (held.length < 5) for (const s of waiting) expect(perOwner.get(s.owner)).toBe(2);
      // Positions are distinct and start at 0.
      const ahead = waiting.flatMap((s) => (s.wait?.kind === "server" ? [s.wait.ahead] : [])).sort((x, y) => x - y);
      expect(ahead).toEqual(ahead.map((_, i) => i));
    }
  });

  it("keeps statements below the size of Node's thread pool, so that files and compression still get threads", () => {
    expect(serverLimit(16, 64)).toBe(16);
    expect(serverLimit(16, 20)).toBe(16);
    expect(serverLimit(16, 8)).toBe(4);
    // Node's default pool of 4: one statement at a time rather than a frozen server.
    expect(serverLimit(16, 4)).toBe(1);
  });
});
