/** A popover's place in the viewport: its left edge, then its top or its bottom edge, and its tallest height. */
export interface PopoverPlace {
  left: number;
  top?: number;
  bottom?: number;
  maxHeight: number;
}

/** The widest the popover gets (a column's profile). */
const POPOVER_WIDTH = 340;
/** What a column's profile needs to show whole (figures and histogram) without scrolling. */
const ROOM_WANTED = 420;
const MARGIN = 8;
/** Between the header and the popover. */
const GAP = 4;

/**
 * Where the popover of the header button `button` goes in a viewport of
 * `view`: below the button, unless there is less room there than a profile
 * needs and more above it (the grid usually sits low on the page). It stays
 * inside the viewport either way, scrolling what does not fit.
 */
export function placePopover(
  button: { left: number; top: number; bottom: number },
  view: { width: number; height: number },
): PopoverPlace {
  const left = Math.max(MARGIN, Math.min(button.left, view.width - POPOVER_WIDTH - MARGIN));
  const below = view.height - button.bottom - GAP - MARGIN;
  const above = button.top - GAP - MARGIN;
  if (below >= ROOM_WANTED || below >= above) return { left, top: button.bottom + GAP, maxHeight: Math.max(0, below) };
  return { left, bottom: view.height - button.top + GAP, maxHeight: Math.max(0, above) };
}
