import { describe, expect, it } from "vitest";
import { BUSY_MESSAGE, Gate } from "./gate";

describe("Gate", () => {
  it("runs at most `concurrency` tasks at once, queues up to the limit and refuses beyond it", async () => {
    const gate = new Gate(2, 3);
    const releases: (() => void)[] = [];
    let peak = 0;
    let running = 0;
    const task = () =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return "done";
      });
    const accepted = Array.from({ length: 5 }, task);
    await expect(task()).rejects.toThrow(BUSY_MESSAGE);
    expect(gate.load).toMatchObject({ running: 2, waiting: 3 });
    while (releases.length > 0 || gate.load.running > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(accepted)).toEqual(["done", "done", "done", "done", "done"]);
    expect(peak).toBe(2);
    expect(gate.load).toEqual({ running: 0, waiting: 0, started: 5 });
  });

  it("frees its place when a task fails", async () => {
    const gate = new Gate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await gate.run(async () => 7)).toBe(7);
    expect(gate.load).toEqual({ running: 0, waiting: 0, started: 2 });
  });
});
