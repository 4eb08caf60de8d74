// The HPS analysis as a preset of `resonance scan` (#22 item 5): a configuration in hps-gpr keys,
// or marked `preset: hps`, runs through the bump pipeline unchanged — results_single.csv (with
// its dark-photon columns) byte-identical to `bump scan --config` on the same file; the options
// and verbs the HPS pipeline does not have are one-line errors naming the command that has them.
// A short scan (3 masses) of the real 2015 spectrum (../shared/hps).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const EXAMPLE = new URL("../../examples/bump/hps2015.yaml", import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, "--quiet"], { encoding: "utf8" });

describe("HPS preset of resonance scan", needsShared(), () => {
  test("hps-gpr keys (with or without preset: hps) under `resonance scan` give bump scan's results_single.csv byte for byte, with ε²", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-hps-preset-"));
    try {
      // examples/bump/hps2015.yaml on 50–52 MeV, tables only
      const yaml = readFileSync(EXAMPLE, "utf8")
        .replace(/^path_2015:.*$/m, `path_2015: ${sharedPath("hps/funcform_2015_toys.root")}`)
        .replace(/^range_2015:.*$/m, "range_2015: [0.050, 0.052]")
        .replace(/^save_per_mass_folders:.*$/m, "save_per_mass_folders: false")
        .replace(/^save_plots:.*$/m, "save_plots: false");
      writeFileSync(join(dir, "keys.yaml"), yaml);
      writeFileSync(join(dir, "preset.yaml"), "preset: hps\n" + yaml);
      const bump = run("bump", "scan", "--config", join(dir, "keys.yaml"), "-o", join(dir, "bump"), "--workers", "1");
      assert.equal(bump.status, 0, `bump scan failed: ${bump.stderr}`);
      const ref = readFileSync(join(dir, "bump", "results_single.csv"), "utf8");
      assert.equal(ref.trim().split("\n").length, 4, "3 masses and the header");
      assert.ok(/eps2_up/.test(ref.split("\n")[0]), "the HPS analysis writes its dark-photon columns");
      for (const f of ["keys.yaml", "preset.yaml"]) {
        const r = run("resonance", "scan", "--config", join(dir, f), "-o", join(dir, f + ".out"), "--workers", "1");
        assert.equal(r.status, 0, `resonance scan ${f} failed: ${r.stderr}`);
        assert.equal(readFileSync(join(dir, f + ".out", "results_single.csv"), "utf8"), ref, `${f}: results_single.csv identical to bump scan's`);
      }
      // refused options and verbs: one line naming the command that has them
      for (const [args, re] of [
        [["resonance", "scan", "--config", join(dir, "keys.yaml"), "--toys", "10"], /--toys.*bump toy-scan/],
        [["resonance", "bands", "--config", join(dir, "keys.yaml")], /bump bands/],
        [["resonance", "test", "--config", join(dir, "preset.yaml"), "--mass", "0.05"], /bump test\|inject/],
      ] as [string[], RegExp][]) {
        const r = run(...args);
        assert.equal(r.status, 1, `${args.join(" ")}: exit 1`);
        assert.match(r.stderr.trim(), re, `${args.join(" ")}: the message names the command`);
        assert.equal(r.stderr.trim().split("\n").length, 1, `${args.join(" ")}: one line (${r.stderr})`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("preset: hps beside datasets is a one-line error naming preset", async () => {
  const { InputError } = await import("../../src/io/errors.ts");
  const { loadResonanceConfig } = await import("../../src/resonance/config.ts");
  const dir = mkdtempSync(join(tmpdir(), "sl-hps-preset-"));
  writeFileSync(join(dir, "c.yaml"), "preset: hps\ndatasets:\n  - {name: a, file: h.json, hist: m}\nresolution: {relative: 0.02}\n");
  assert.throws(() => loadResonanceConfig(join(dir, "c.yaml")), (e: unknown) => e instanceof InputError && /preset/.test(e.message) && !e.message.includes("\n"), "preset with datasets");
  rmSync(dir, { recursive: true, force: true });
});
