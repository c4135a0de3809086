import { describe, expect, it } from "vitest";
import { placePopover } from "./popover-place";

const view = { width: 1400, height: 900 };

describe("placePopover", () => {
  it("opens below a header with room enough below", () => {
    expect(placePopover({ left: 500, top: 200, bottom: 220 }, view)).toEqual({ left: 500, top: 224, maxHeight: 668 });
  });

  it("opens above a header low on the page, where a profile would not fit below", () => {
    expect(placePopover({ left: 500, top: 560, bottom: 580 }, view)).toEqual({
      left: 500,
      bottom: 344,
      maxHeight: 548,
    });
  });

  it("stays below when there is less room above than below, and scrolls what does not fit", () => {
    expect(placePopover({ left: 500, top: 300, bottom: 320 }, { width: 1400, height: 700 })).toEqual({
      left: 500,
      top: 324,
      maxHeight: 368,
    });
  });

  it("stays inside the viewport on the right and on the left", () => {
    expect(placePopover({ left: 1300, top: 100, bottom: 120 }, view).left).toBe(1400 - 340 - 8);
    expect(placePopover({ left: -50, top: 100, bottom: 120 }, view).left).toBe(8);
  });

  it("never asks for a negative height in a viewport too small for it", () => {
    const place = placePopover({ left: 0, top: 2, bottom: 22 }, { width: 300, height: 20 });
    expect(place.maxHeight).toBeGreaterThanOrEqual(0);
    expect(place.left).toBe(8);
  });
});
