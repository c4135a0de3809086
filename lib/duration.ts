/** Durations people write in configuration: "90s", "30m", "2h", or plain seconds. */

const UNITS: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600 };

/** Whole seconds, or null for text that is not a duration of at least one second. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d{1,9})\s*([smh]?)\s*$/i.exec(text);
  if (!match) return null;
  const seconds = Number(match[1]) * UNITS[match[2].toLowerCase()];
  return seconds >= 1 ? seconds : null;
}

/** "30 minutes", "2 hours", "90 seconds": the largest unit that says it exactly. */
export function durationInWords(seconds: number): string {
  const [count, unit] =
    seconds % 3600 === 0
      ? [seconds / 3600, "hour"]
      : seconds % 60 === 0
        ? [seconds / 60, "minute"]
        : [seconds, "second"];
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}
