import { setImmediate } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { foregroundRead, readsInFlight, yieldToReads } from "./foreground";

describe("members' reads before bulk work", () => {
  it("counts a read while it runs, and after it fails no longer", async () => {
    expect(readsInFlight()).toBe(0);
    let during = -1;
    await foregroundRead(async () => {
      during = readsInFlight();
    });
    expect(during).toBe(1);
    await expect(
      foregroundRead(async () => {
        throw new Error("the read failed");
      }),
    ).rejects.toThrow("the read failed");
    expect(readsInFlight()).toBe(0);
  });

  it("lets bulk work through at once when no read is in flight", async () => {
    const order: string[] = [];
    const io = setImmediate().then(() => order.push("the turn's I/O"));
    await yieldToReads();
    order.push("bulk");
    await io;
    expect(order).toEqual(["bulk", "the turn's I/O"]);
  });

  it("makes bulk work wait for the turn's I/O while a read is in flight", async () => {
    const order: string[] = [];
    let finish: () => void = () => {};
    const read = foregroundRead(() => new Promise<void>((resolve) => (finish = resolve)));
    const io = setImmediate().then(() => order.push("the read's next step"));
    await yieldToReads();
    order.push("bulk");
    await io;
    expect(order).toEqual(["the read's next step", "bulk"]);
    finish();
    await read;
    expect(readsInFlight()).toBe(0);
  });
});
