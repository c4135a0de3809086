import { describe, expect, it } from "vitest";
import { jsonArrayOfLines } from "./json-array";

function convert(text: string, cut: number[]): string {
  const bytes = new TextEncoder().encode(text);
  const lines = jsonArrayOfLines();
  const out: Uint8Array[] = [lines.head];
  let at = 0;
  for (const to of [...cut, bytes.byteLength]) {
    out.push(lines.transform(bytes.subarray(at, to)));
    at = to;
  }
  out.push(lines.tail());
  return Buffer.concat(out).toString("utf8");
}

describe("jsonArrayOfLines", () => {
  const ndjson = '{"a":1,"s":"x\\ny"}\n{"a":2,"s":"é,]"}\n{"a":3,"s":""}\n';

  it("turns NDJSON into one JSON array, however the bytes are chunked", () => {
    const expected = [
      { a: 1, s: "x\ny" },
      { a: 2, s: "é,]" },
      { a: 3, s: "" },
    ];
    for (let cut = 0; cut <= Buffer.byteLength(ndjson); cut++) {
      expect(JSON.parse(convert(ndjson, [cut]))).toEqual(expected);
    }
    expect(JSON.parse(convert(ndjson, [1, 2, 3, 18, 19, 20]))).toEqual(expected);
  });

  it("writes an empty array for no records, and concatenated segments as one array", () => {
    expect(JSON.parse(convert("", []))).toEqual([]);
    expect(JSON.parse(convert('{"a":1}\n{"a":2}\n', [8]))).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it("stays linear on a 1 MiB record", () => {
    const big = `{"s":"${"x".repeat(1 << 20)}"}\n`;
    expect(JSON.parse(convert(big + big, [100, 1 << 19]))).toHaveLength(2);
  });
});
