// src/io/csv.ts: the one cell convention (±∞, NaN, null, booleans), RFC 4180 quoting, and a
// round trip through the reader.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cellBool, cellNum, csvCell, csvLine, csvRows, csvText, parseCsv, readCsv } from "../../src/io/csv.ts";
import { InputError } from "../../src/io/errors.ts";

test("cells: numbers in shortest round-trip form; NaN, ±∞, null, booleans as pandas writes them", () => {
  assert.deepEqual([0.1, 1e-7, -0, 12345678901234567890, 2 ** -1074].map(csvCell), ["0.1", "1e-7", "0", "12345678901234567000", "5e-324"]);
  assert.equal(csvCell(NaN), "nan");
  assert.equal(csvCell(Infinity), "inf");
  assert.equal(csvCell(-Infinity), "-inf");
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(undefined), "");
  assert.equal(csvCell(true), "True");
  assert.equal(csvCell(false), "False");
  assert.equal(csvCell("2015"), "2015");
});

test("quoting per RFC 4180: comma, quote, CR and LF force quotes; inner quotes doubled", () => {
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell("two\nlines"), '"two\nlines"');
  assert.equal(csvCell("cr\rhere"), '"cr\rhere"');
  assert.equal(csvCell(" spaced "), " spaced ");
  assert.equal(csvLine(["x", 1, NaN]), "x,1,nan\n");
});

test("whole texts: records by column (missing keys empty), positional rows", () => {
  assert.equal(csvText(["a", "b", "c"], [{ a: 1, b: "x,y", c: -Infinity }, { a: NaN }]), 'a,b,c\n1,"x,y",-inf\nnan,,\n');
  assert.equal(csvText(["a"], []), "a\n");
  assert.equal(csvRows(["m", "ok"], [[0.03, true], [0.04, false]]), "m,ok\n0.03,True\n0.04,False\n");
});

test("round trip: what the writer writes, the reader reads back (values, ±∞, NaN, quotes, newlines)", () => {
  const rows = [
    { name: 'a "quoted", name', x: 0.1, y: Infinity, z: NaN, ok: true, note: "line one\nline two" },
    { name: "", x: -1e-300, y: -Infinity, z: 5e-324, ok: false, note: null },
  ];
  const cols = ["name", "x", "y", "z", "ok", "note"];
  const t = parseCsv(csvText(cols, rows));
  assert.deepEqual(t.columns, cols);
  assert.equal(t.rows.length, 2);
  assert.equal(t.rows[0].name, 'a "quoted", name');
  assert.equal(t.rows[0].note, "line one\nline two");
  assert.deepEqual(t.rows.map((r) => [cellNum(r.x), cellNum(r.y), cellNum(r.z), cellBool(r.ok)]), [[0.1, Infinity, NaN, true], [-1e-300, -Infinity, 5e-324, false]]);
  assert.equal(t.rows[1].note, "");
});

test("reader: CRLF, blank lines, pandas/numpy spellings, and one-line errors naming the file", () => {
  const t = parseCsv("a,b\r\n1,inf\r\n\r\n2,-Infinity\r\n");
  assert.deepEqual(t.rows, [{ a: "1", b: "inf" }, { a: "2", b: "-Infinity" }]);
  assert.deepEqual(["nan", "NaN", "", "+inf", "INF", "-inf", "Infinity", "1e3"].map(cellNum), [NaN, NaN, NaN, Infinity, Infinity, -Infinity, Infinity, 1000]);
  assert.deepEqual(["True", "true", "1", "False", "0", undefined].map(cellBool), [true, true, true, false, false, false]);
  assert.throws(() => parseCsv("a,b\n1\n", "t.csv"), (e: unknown) => e instanceof InputError && e.message === "t.csv: line 2: 1 fields where the header has 2; rewrite the file");
  assert.throws(() => parseCsv("", "e.csv"), (e: unknown) => e instanceof InputError && e.message === "e.csv: empty CSV file (no header line)");
  const dir = mkdtempSync(join(tmpdir(), "sl-csv-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "r.csv"), csvText(["m"], [{ m: 0.06 }]));
  assert.deepEqual(readCsv(join(dir, "r.csv")).rows, [{ m: "0.06" }]);
  assert.throws(() => readCsv(join(dir, "none.csv")), (e: unknown) => e instanceof InputError && e.message.startsWith(`${join(dir, "none.csv")}: cannot read:`));
});
