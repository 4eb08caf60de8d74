// Toy scans (hps_gpr §13) on the functional-form toys of the 2015 spectrum.
//
// Acceptance ("a toy-scan of the first 10 functional-form toys of 2015 over 20–130 MeV runs
// and merges, with n_fail accounted for every toy") is tested here on a SUB-RANGE of masses
// (50–51 MeV, 2 masses × 10 toys): the full 111-mass range is 10 full scans (≈ 10 min on 2
// cores), too slow for the suite. The full run is timed by bench/bump-studies.bench.ts
// (BENCHMARKS.md, "toy-scan of 10 toys") with exactly the same code path.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, SHARED, sharedPath } from "../shared.ts";
import { discoverToys, mergeToyScans } from "../../src/bumphunt/toy-scan.ts";
import { parseCsv } from "../../src/io/csv.ts";
import { globRegExp } from "../../src/bumphunt/study-io.ts";
import { gpToySeed } from "../../src/bumphunt/full-toys.ts";
import { InputError } from "../../src/io/errors.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, [BIN, "bump", ...args], { encoding: "utf8" });

test("globs, CSV quoting and the gp-toy-scan seed rule", () => {
  assert.ok(globRegExp("fShift*_toy_[0-3]").test("fShiftSigPowTail_toy_2"));
  assert.ok(!globRegExp("fShift*_toy_[0-3]").test("fShiftSigPowTail_toy_7"));
  const t = parseCsv('a,b,c\n1,"x, ""y""",nan\n');
  assert.deepEqual(t.rows[0], { a: "1", b: 'x, "y"', c: "nan" });
  assert.equal(gpToySeed(12345, 0), 12345);
  assert.equal(gpToySeed(12345, 3000), (12345 + 1000003 * 3000) % 2147483647);
});

describe("toy scans of the 2015 functional-form toys", needsShared(), () => {
  const root = sharedPath("hps/funcform_2015_toys.root");

  test("discovery: 100 toys per container in natural order, index from _toy_<i>, errors name file and field", async () => {
    const all = await discoverToys(root, { container: "fShiftSigPowTail" });
    assert.equal(all.length, 100);
    assert.deepEqual(all.slice(0, 12).map((t) => t.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.equal(all[10].hist, "fShiftSigPowTail/fShiftSigPowTail_toy_10");
    const some = await discoverToys(root, { container: "fGenGammaShift", indices: [42, 7] });
    assert.deepEqual(some.map((t) => t.index), [7, 42]);
    const fmt = await discoverToys(root, { container: "fShiftSigPow", nameFmt: "{container}_toy_{i}", indices: [3] });
    assert.equal(fmt[0].hist, "fShiftSigPow/fShiftSigPow_toy_3");
    await assert.rejects(discoverToys(root, { container: "nope" }), (e: unknown) => e instanceof InputError && /fShiftSigPowTail/.test(e.detail));
    await assert.rejects(discoverToys(root, { container: "fShiftSigPowTail", indices: [100] }), (e: unknown) => e instanceof InputError && e.field === "--toy-index");
  });

  test("ACCEPTANCE (sub-range): first 10 toys, scan + merge + plot, n_fail for every toy; a lost toy is still counted", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-toyscan-"));
    try {
      const r = run(["toy-scan", "--dataset", "2015", "--shared", SHARED, "--max-toys", "10", "--mass-min", "0.05", "--mass-max", "0.051", "--output-dir", dir, "--workers", "2", "--json"]);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.n_toys, 10);
      assert.equal(out.n_masses, 2);
      assert.deepEqual(out.toys.map((t: { toy_index: number }) => t.toy_index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const t of out.toys) assert.ok(Number.isInteger(t.n_fail) && t.n_fail >= 0 && t.n_fail <= 2);
      const m = run(["toy-scan-merge", "-i", dir, "--json"]);
      assert.equal(m.status, 0, m.stderr);
      const merged = JSON.parse(m.stdout);
      assert.equal(merged.n_toys, 10);
      assert.equal(merged.n_with_results, 10);
      assert.equal(merged.n_rows, 20);
      assert.equal(merged.n_fail_total, out.n_fail_total);
      for (const s of merged.summary) {
        assert.equal(s.status, "ok");
        assert.equal(s.n_masses, 2);
        assert.ok(Number.isInteger(s.n_fail));
        if (s.n_fail < 2) assert.ok(Number.isFinite(s.max_Z_analytic) && s.max_Z_analytic >= 0 && s.min_p0_analytic <= 0.5);
      }
      const csv = parseCsv(readFileSync(join(dir, "toy_scan_merged.csv"), "utf8"));
      assert.equal(csv.rows.length, 20);
      assert.deepEqual(csv.columns.slice(0, 9), ["toy_index", "toy_hist", "function_tag", "source_model", "source_label", "source_root", "container", "dataset", "mass_GeV"]);
      assert.ok(csv.rows.every((row) => Number(row.A_up) > 0 || row.error !== ""));
      // Rows sorted by toy then mass.
      assert.deepEqual(csv.rows.slice(0, 4).map((row) => [row.toy_index, row.mass_GeV]), [["0", "0.05"], ["0", "0.051"], ["1", "0.05"], ["1", "0.051"]]);

      const p = run(["toy-scan-plot", "--merged-csv", join(dir, "toy_scan_merged.csv"), "--summary-csv", join(dir, "toy_scan_summary.csv"), "-o", join(dir, "plots")]);
      assert.equal(p.status, 0, p.stderr);
      for (const w of ["local_significance", "upper_limits", "summary", "p0"]) assert.ok(existsSync(join(dir, "plots", `toy_scan_validation_2015_fShiftSigPowTail_${w}.png`)), w);

      // A toy whose results were lost still counts: all its masses failed, status missing_results.
      const ens = join(dir, "toy_scans", "2015", "functional_form_fShiftSigPowTail");
      // hps_gpr's per-toy combination tables: a single-dataset toy scan writes their columns, no rows.
      for (const f of ["results_combined.csv", "combined.csv"]) {
        const lines = readFileSync(join(ens, "toy_0000", f), "utf8").trim().split("\n");
        assert.equal(lines.length, 1, f);
        assert.ok(lines[0].startsWith("toy_index,") && lines[0].includes(",eps2_up,"), f);
      }
      unlinkSync(join(ens, "toy_0003", "results_single.csv"));
      // A toy requested in the manifest that never ran at all: status not_run.
      const man = JSON.parse(readFileSync(join(ens, "toy_scan_manifest.json"), "utf8"));
      man.toys.push({ toy_index: 57, toy_hist: "fShiftSigPowTail/fShiftSigPowTail_toy_57", dir: "toy_0057" });
      writeFileSync(join(ens, "toy_scan_manifest.json"), JSON.stringify(man));
      const mm = mergeToyScans(dir);
      assert.equal(mm.n_toys, 11);
      assert.equal(mm.n_with_results, 9);
      const lost = mm.summary.find((s) => s.toy_index === 3)!;
      assert.deepEqual([lost.status, lost.n_fail], ["missing_results", 2]);
      const never = mm.summary.find((s) => s.toy_index === 57)!;
      assert.deepEqual([never.status, never.n_fail], ["not_run", 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("gp-toy-scan: seeded toys from the full-range GP mean; same bytes with 1 and 2 workers", () => {
    const dirs = [1, 2].map(() => mkdtempSync(join(tmpdir(), "sl-gptoys-")));
    try {
      const outs = dirs.map((d, k) => {
        const r = run(["gp-toy-scan", "--shared", SHARED, "--n-toys", "2", "--mass-min", "0.06", "--mass-max", "0.06", "--full-toy-bkg-mode", "fixed_total_multinomial", "--seed", "7", "--output-dir", d, "--workers", String(k + 1), "--json"]);
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout);
      });
      assert.equal(outs[0].container, "gp_propagated_mean_refit_fixedtotal");
      assert.deepEqual(outs[0].toys.map((t: { toy_seed: number }) => t.toy_seed), [7, 1000010]);
      for (const t of [0, 1]) {
        const f = (d: string) => readFileSync(join(d, "toy_scans", "2015", "gp_propagated_mean_refit_fixedtotal", `toy_000${t}`, "results_single.csv"), "utf8");
        assert.equal(f(dirs[0]), f(dirs[1]));
      }
      const meta = JSON.parse(readFileSync(join(dirs[0], "toy_scans", "2015", "gp_propagated_mean_refit_fixedtotal", "toy_0001", "toy_metadata.json"), "utf8"));
      assert.equal(meta.full_toy_bkg_mode, "fixed_total_multinomial");
      assert.equal(meta.full_input_total_count, 21451676 - 0); // the whole prepared (rebinned) histogram
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  test("bad input: unknown container and bad toy mode are one-line errors", () => {
    const a = run(["toy-scan", "--shared", SHARED, "--container", "nope", "--mass-min", "0.05", "--mass-max", "0.05"]);
    assert.equal(a.status, 1);
    assert.match(a.stderr.trim(), /^searchlight: .*funcform_2015_toys\.root: nope: no such directory; directories: .*fShiftSigPowTail/);
    const b = run(["gp-toy-scan", "--shared", SHARED, "--full-toy-bkg-mode", "gauss", "--mass-min", "0.05", "--mass-max", "0.05"]);
    assert.equal(b.status, 1);
    assert.match(b.stderr.trim(), /^searchlight: --full-toy-bkg-mode: unknown full_toy_bkg_mode "gauss"/);
  });
});
