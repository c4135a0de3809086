/** What a parameter's value means as a number, a date or a timestamp: checked by hand, digit by digit, never by `Date.parse`. */

/** Decimal numbers as SQL writes them: digits, an optional point and exponent; no hex, no Infinity, no NaN. */
export function isNumber(text: string): boolean {
  let i = 0;
  const n = text.length;
  if (n === 0 || n > 100) return false;
  if (text[i] === "+" || text[i] === "-") i++;
  const digitsFrom = () => {
    const from = i;
    while (i < n && text[i] >= "0" && text[i] <= "9") i++;
    return i - from;
  };
  let digits = digitsFrom();
  if (text[i] === ".") {
    i++;
    digits += digitsFrom();
  }
  if (digits === 0) return false;
  if (text[i] === "e" || text[i] === "E") {
    i++;
    if (text[i] === "+" || text[i] === "-") i++;
    if (digitsFrom() === 0) return false;
  }
  return i === n;
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

export interface TimestampParts extends DateParts {
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

function digitsAt(text: string, start: number, count: number): number | null {
  if (start + count > text.length) return null;
  let out = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    out = out * 10 + (c - 48);
  }
  return out;
}

/** `YYYY-MM-DD`, a day that exists (years 1–9999). */
export function parseDate(text: string): DateParts | null {
  if (text.length !== 10 || text[4] !== "-" || text[7] !== "-") return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year === null || month === null || day === null || year < 1 || month < 1 || month > 12 || day < 1) return null;
  const days = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // 29 for February in a leap year
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 ? (leap ? 29 : 28) : days)) return null;
  return { year, month, day };
}

/** `YYYY-MM-DD HH:MM[:SS[.ffffff]]` (or `T` between), no time zone: a wall-clock time. */
export function parseTimestamp(text: string): TimestampParts | null {
  if (text.length < 16 || text.length > 26) return null;
  const date = parseDate(text.slice(0, 10));
  if (!date || (text[10] !== " " && text[10] !== "T") || text[13] !== ":") return null;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  let second = 0;
  let micros = 0;
  if (text.length > 16) {
    if (text[16] !== ":") return null;
    const s = digitsAt(text, 17, 2);
    if (s === null) return null;
    second = s;
    if (text.length > 19) {
      if (text[19] !== "." || text.length === 20) return null;
      const fraction = text.slice(20);
      const f = digitsAt(fraction, 0, fraction.length);
      if (f === null) return null;
      micros = f * 10 ** (6 - fraction.length);
    }
  }
  if (hour === null || minute === null || hour > 23 || minute > 59 || second > 59) return null;
  return { ...date, hour, minute, second, micros };
}

/**
 * How a number's text is bound exactly: an integer that fits in 64 bits as
 * BIGINT, a decimal of at most 38 digits as DECIMAL (its digits and scale),
 * anything else (an exponent, more digits) as DOUBLE.
 */
export type NumberBinding =
  | { kind: "bigint"; value: bigint }
  | { kind: "decimal"; unscaled: bigint; width: number; scale: number }
  | { kind: "double"; value: number };

const INT64_MAX = 2n ** 63n - 1n;

export function numberBinding(text: string): NumberBinding {
  const value = text.trim();
  if (!value.includes("e") && !value.includes("E")) {
    const negative = value.startsWith("-");
    const unsigned = value.replace(/^[+-]/, "");
    const [whole, fraction = ""] = unsigned.split(".");
    const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, "") || "0";
    if (fraction === "") {
      const n = BigInt(digits);
      if (n <= INT64_MAX + (negative ? 1n : 0n)) return { kind: "bigint", value: negative ? -n : n };
    }
    if (digits.length <= 38) {
      const n = BigInt(digits);
      return {
        kind: "decimal",
        unscaled: negative ? -n : n,
        width: Math.max(digits.length, fraction.length + 1),
        scale: fraction.length,
      };
    }
  }
  return { kind: "double", value: Number(value) };
}
