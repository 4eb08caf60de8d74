// The compiled package reads ROOT files through dist/vendor/jsroot-io.mjs (jsroot's I/O bundled
// by scripts/build.mjs, since jsroot itself is only a dev dependency). Checked here: every
// compression block jsroot decodes through a separately loaded module (ZSTD, LZMA) or inline
// (ZLIB, LZ4) decompresses byte for byte, and the compiled readers (dist/io) give exactly what the
// sources give with jsroot from node_modules, and the numbers of ../shared/rootfiles/SOURCE.md.
// `npm test` builds dist/ first (scripts/run-tests.mjs).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { needsShared, sharedPath } from "../shared.ts";
import { readTH1 as readTH1Source, type Histogram1D } from "../../src/io/root-hist.ts";

const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));
const VENDOR = `${DIST}vendor/jsroot-io.mjs`;
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** The first block of an LZ4 frame (fixtures/text.lz4 from `lz4 -9`: the whole text in one block). */
function lz4Block(frame: Buffer): Buffer {
  // Frame: magic (4), FLG, BD, content size (8, if FLG bit 3), header checksum (1); then blocks
  // of a 4-byte little-endian size (high bit: stored uncompressed) and the data.
  const o = 7 + (frame[4] & 0x08 ? 8 : 0);
  const size = frame.readUInt32LE(o);
  assert.equal(size >>> 31, 0, "the fixture's block is stored, not compressed");
  return frame.subarray(o + 4, o + 4 + size);
}

/** The text compressed in fixtures/text.zst (zstd -19), text.xz (xz -9) and text.lz4 (lz4 -9). */
function plainText(): Buffer {
  let s = "";
  for (let i = 0; i < 300; i++) s += `bin ${i}: ${i * i} ${(i * 7) % 13}\n`;
  return Buffer.from(s, "latin1");
}

/** A ROOT compression block: 2-letter algorithm tag, method byte, 3-byte sizes (little endian). */
function rootBlock(tag: string, method: number, payload: Buffer, rawSize: number): DataView {
  const hdr = Buffer.alloc(9);
  hdr.write(tag, 0, "latin1");
  hdr[2] = method;
  hdr.writeUIntLE(payload.length, 3, 3);
  hdr.writeUIntLE(rawSize, 6, 3);
  const b = Buffer.concat([hdr, payload]);
  return new DataView(b.buffer, b.byteOffset, b.length);
}

describe("vendored jsroot I/O (dist/vendor/jsroot-io.mjs)", () => {
  test("the bundle exists, carries jsroot's MIT licence and loads none of canvas, jsdom, three, mathjax", () => {
    assert.ok(existsSync(VENDOR), `${VENDOR} missing: run npm run build`);
    const text = readFileSync(VENDOR, "utf8");
    assert.match(text.slice(0, 2000), /The MIT License[\s\S]*JavaScript ROOT authors/);
    for (const dep of ["canvas", "jsdom", "three", "mathjax", "@oneidentity/zstd-js", "jsroot/"]) {
      assert.doesNotMatch(text, new RegExp(`(from|import\\()\\s*["']${dep.replace("/", "\\/")}`), `the bundle imports ${dep}`);
    }
  });

  test("ZSTD, LZMA (xz), ZLIB and LZ4 blocks decompress byte for byte", async () => {
    const { R__unzip } = (await import(VENDOR)) as { R__unzip(v: DataView, size: number): Promise<DataView | null> };
    const plain = plainText();
    const blocks: [string, DataView][] = [
      ["ZSTD", rootBlock("ZS", 1, readFileSync(`${FIXTURES}text.zst`), plain.length)],
      ["LZMA", rootBlock("XZ", 0, readFileSync(`${FIXTURES}text.xz`), plain.length)],
      ["ZLIB", rootBlock("ZL", 8, deflateSync(plain), plain.length)],
      // ROOT's LZ4 blocks carry an 8-byte xxhash64 of the data first (jsroot skips it unchecked).
      ["LZ4", rootBlock("L4", 1, Buffer.concat([Buffer.alloc(8), lz4Block(readFileSync(`${FIXTURES}text.lz4`))]), plain.length)],
    ];
    for (const [name, block] of blocks) {
      const out = await R__unzip(block, plain.length);
      assert.ok(out, `${name}: no output`);
      assert.ok(Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(plain), `${name}: decompressed bytes differ`);
    }
  });
});

describe("ROOT files through the compiled readers (dist/io)", needsShared(), () => {
  const cases: { file: string; hist: string; check(h: Histogram1D): void }[] = [
    {
      file: "rootfiles/uproot-histograms.root", hist: "one", // uncompressed
      check: (h) => assert.deepEqual(Array.from(h.counts), [68, 285, 755, 1580, 2296, 2286, 1570, 795, 289, 76]),
    },
    {
      file: "rootfiles/uproot-issue33.root", hist: "cutflow", // ZLIB (fCompress 1)
      check: (h) => assert.deepEqual(Array.from(h.counts), [39551, 27951, 27911, 27861, 27737, 27460, 26751]),
    },
    {
      file: "rootfiles/uproot-issue-707.root", hist: "raw_M1_enrAll", // ZLIB level 1, variable edges
      check: (h) => {
        assert.equal(h.counts.length, 203);
        assert.deepEqual([h.edges[0], h.edges[1], h.edges[2], h.edges[203]], [40.5, 41, 63, 2606.5]);
        const sum = h.counts.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 4854732.175) <= 1e-3, `sum ${sum}`); // SOURCE.md gives 10 digits
      },
    },
    {
      file: "hps/funcform_2015_toys.root", hist: "input_hist", // 3000-bin real spectrum, ZLIB level 1
      check: (h) => {
        assert.equal(h.counts.length, 3000);
        assert.deepEqual([h.edges[0], h.edges[3000]], [0, 0.15]);
      },
    },
  ];
  for (const c of cases) {
    test(`${c.file} ${c.hist}: same as the sources' reader, and as SOURCE.md states`, async () => {
      const { readTH1 } = (await import(`${DIST}io/root-hist.js`)) as { readTH1: typeof readTH1Source };
      const built = await readTH1(sharedPath(c.file), c.hist);
      const source = await readTH1Source(sharedPath(c.file), c.hist);
      assert.deepEqual(Array.from(built.edges), Array.from(source.edges));
      assert.deepEqual(Array.from(built.counts), Array.from(source.counts));
      assert.equal(built.entries, source.entries);
      c.check(built);
    });
  }
});
