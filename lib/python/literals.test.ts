import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WORST_PIECES, worstText } from "@/tests/support/worst-text";
import { commentText, jsBlock, jsString, pyBlock, pyString, uriComponent } from "./literals";

// Debian's Python: the `python3` first on PATH is a pyenv build without packages.
const PYTHON = "/usr/bin/python3";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-literals-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(Buffer.concat(err).toString().slice(0, 2000))),
    );
  });
}

/** What Python reads the literals as, UTF-16 code unit for code unit (lone surrogates included). */
async function pythonReads(literals: string[]): Promise<Buffer> {
  const file = path.join(dir, "read.py");
  const body = literals.map((l) => `values.append(${l})`).join("\n");
  fs.writeFileSync(
    file,
    `import sys\nvalues = []\n${body}\nsys.stdout.buffer.write("".join(values).encode("utf-16-le", "surrogatepass"))\n`,
  );
  return run(PYTHON, [file]);
}

async function nodeReads(literals: string[]): Promise<Buffer> {
  const file = path.join(dir, "read.mjs");
  const body = literals.map((l) => `values.push(${l});`).join("\n");
  fs.writeFileSync(
    file,
    `const values = [];\n${body}\nprocess.stdout.write(Buffer.from(values.join(""), "utf16le"));\n`,
  );
  return run(process.execPath, [file]);
}

const utf16 = (texts: string[]) => Buffer.from(texts.join(""), "utf16le");

const SAMPLES = [
  "",
  '"',
  '""',
  '"""',
  '""""',
  'a"',
  "\\",
  '\\"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a substitution's opening is what is tested
  "${x}",
  "$${",
  "`",
  "\r\n",
  "\u2028",
  "\0",
  "\ud800",
  "\udfff\ud800",
  ...WORST_PIECES,
  worstText(5000, 7),
];

describe("Python literals", () => {
  it("read back exactly as the text, for every worst piece and their mixes", async () => {
    for (const literal of [pyString, pyBlock]) {
      const got = await pythonReads(SAMPLES.map(literal));
      expect(got.equals(utf16(SAMPLES))).toBe(true);
    }
  });

  it("read back 1 MiB of the worst characters exactly", { timeout: 60_000 }, async () => {
    const text = worstText(1 << 20, 3);
    expect((await pythonReads([pyString(text)])).equals(utf16([text]))).toBe(true);
    expect((await pythonReads([pyBlock(text)])).equals(utf16([text]))).toBe(true);
  });

  it("write no raw control character, line separator or lone surrogate", () => {
    const text = worstText(20_000, 5);
    expect(pyString(text)).not.toMatch(/[\p{Cc}\p{Cs}\p{Cf}\p{Zl}\p{Zp}]/u);
    // A multi-line literal keeps newlines and tabs only.
    expect(pyBlock(text).replace(/[\n\t]/g, "")).not.toMatch(/[\p{Cc}\p{Cs}\p{Cf}\p{Zl}\p{Zp}]/u);
  });
});

describe("JavaScript literals", () => {
  it("read back exactly as the text, for every worst piece and their mixes", async () => {
    for (const literal of [jsString, jsBlock]) {
      const got = await nodeReads(SAMPLES.map(literal));
      expect(got.equals(utf16(SAMPLES))).toBe(true);
    }
  });

  it("read back 1 MiB of the worst characters exactly", { timeout: 60_000 }, async () => {
    const text = worstText(1 << 20, 4);
    expect((await nodeReads([jsString(text), jsBlock(text)])).equals(utf16([text, text]))).toBe(true);
  });

  it("never leave a template substitution open", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a substitution's opening is what is tested
    expect(jsBlock("${process.exit(1)}")).toBe("`$\\{process.exit(1)}`");
    expect(jsBlock("$${a}")).toBe("`$$\\{a}`");
  });
});

describe("comments and URLs", () => {
  it("keep a comment on one line whatever the text", () => {
    const text = commentText(worstText(10_000, 9), 5000);
    expect(text).not.toMatch(/[\n\r\u2028\u2029\u0085\p{Cs}]/u);
    expect(commentText("a\nb")).toBe("a\\nb");
    expect(commentText('say "hi" \\ \u2028')).toBe('say "hi" \\ \\u2028');
    expect(commentText("x".repeat(100), 10)).toBe(`${"x".repeat(10)}…`);
  });

  it("encode any text for a URL (a lone surrogate as U+FFFD)", () => {
    expect(uriComponent("a&b=c d+e%#\ud800")).toBe("a%26b%3Dc%20d%2Be%25%23%EF%BF%BD");
    expect(decodeURIComponent(uriComponent(worstText(10_000, 2)))).toBe(
      worstText(10_000, 2).replace(/\p{Cs}/gu, "\uFFFD"),
    );
  });
});
