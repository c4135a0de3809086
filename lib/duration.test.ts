import { describe, expect, it } from "vitest";
import { durationInWords, parseDuration } from "./duration";

describe("durations", () => {
  it("reads seconds, minutes and hours, and plain seconds", () => {
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("30m")).toBe(1800);
    expect(parseDuration("2h")).toBe(7200);
    expect(parseDuration(" 3600 ")).toBe(3600);
    expect(parseDuration("5 M")).toBe(300);
  });

  it("refuses what is not a duration of a second or more", () => {
    for (const text of ["", "0", "0s", "-5", "1.5h", "10d", "1h30m", "ten", "1e3", "9".repeat(20)]) {
      expect(parseDuration(text), text).toBeNull();
    }
  });

  it("says a duration in the largest unit that is exact", () => {
    expect(durationInWords(1800)).toBe("30 minutes");
    expect(durationInWords(3600)).toBe("1 hour");
    expect(durationInWords(7200)).toBe("2 hours");
    expect(durationInWords(90)).toBe("90 seconds");
    expect(durationInWords(60)).toBe("1 minute");
    expect(durationInWords(1)).toBe("1 second");
    expect(durationInWords(5400)).toBe("90 minutes");
  });
});
