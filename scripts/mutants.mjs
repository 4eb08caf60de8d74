#!/usr/bin/env node
// Mutation check: does the suite notice a realistic bug? Each mutant below replaces one exact
// piece of source text; the tests that cover that module run against the mutated source, and the
// mutant is "killed" when they fail (or hang past the timeout), "survived" when they pass.
//
// It never edits the working tree: src/ and test/ are copied to a temporary folder (node_modules
// and ../shared linked beside the copy), each mutant is applied to the copy and undone there.
// A mutant whose original text is no longer in its file is reported as "stale" (update the list).
// Mutants marked `equivalent` cannot change any result; they are run but left out of the score.
//
// Usage: node scripts/mutants.mjs [substring …]   (only mutants whose file or name contains one)
// Exit status 1 when the score (killed / non-equivalent) is below 90% or the baseline fails.
// Cost: one test run per mutant, ≈ 3–12 s each on the 2-core machine (see TESTING.md).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TIMEOUT_MS = 120_000;

const T = {
  interp: ["test/histfactory/interpolation.test.ts", "test/histfactory/root-validation.test.ts"],
  infer: ["test/infer/asymptotic.test.ts", "test/infer/counting.test.ts", "test/infer/hps-conventions.test.ts"],
  lml: ["test/gp/lml.test.ts"],
  window: ["test/bumphunt/window-likelihood.test.ts", "test/bumphunt/limits.test.ts", "test/bumphunt/sqrt-factor.test.ts"],
};
const I = "src/histfactory/interpolation.ts", A = "src/infer/asymptotic.ts", S = "src/infer/test-statistics.ts";
const L = "src/gp/lml.ts", W = "src/bumphunt/window-likelihood.ts";

/** { name, file, from, to, tests, equivalent? } — `from` must occur exactly once in `file`. */
const MUTANTS = [
  // The three the issue (#23) found surviving.
  { name: "code2 linear branch from α > 2 instead of α > 1", file: I, from: "if (alpha > 1) {\n        interpOut[0] = up + (b + 2 * a) * (alpha - 1);", to: "if (alpha > 2) {\n        interpOut[0] = up + (b + 2 * a) * (alpha - 1);", tests: T.interp },
  { name: "CL_b underflow gives CLs = 0 instead of 1", file: A, from: "  return { clsb, clb, cls: clb > 0 ? clsb / clb : 1 };\n}\n\n/**\n * The asymptotic formula", to: "  return { clsb, clb, cls: clb > 0 ? clsb / clb : 0 };\n}\n\n/**\n * The asymptotic formula", tests: T.infer },
  { name: "LML gradient for > 3 hyperparameters drops its ½", file: L, from: "out[q] = 0.5 * d + o;", to: "out[q] = d + o;", tests: T.lml },
  // interpolation.ts
  { name: "code2 linear branch from α < −2", file: I, from: "} else if (alpha < -1) {\n        interpOut[0] = -dn + (b - 2 * a) * (alpha + 1);", to: "} else if (alpha < -2) {\n        interpOut[0] = -dn + (b - 2 * a) * (alpha + 1);", tests: T.interp },
  { name: "code4p linear branch from α > 1.5", file: I, from: "if (alpha > 1) {\n        interpOut[0] = alpha * c[off + 1];", to: "if (alpha > 1.5) {\n        interpOut[0] = alpha * c[off + 1];", tests: T.interp },
  { name: "code0 slopes swapped", file: I, from: "const s = alpha > 0 ? c[off + 1] : c[off + 2];", to: "const s = alpha > 0 ? c[off + 2] : c[off + 1];", tests: T.interp },
  { name: "code1 downward exponent sign", file: I, from: "const l = alpha >= 0 ? c[off + 1] : -c[off + 2];", to: "const l = alpha >= 0 ? c[off + 1] : c[off + 2];", tests: T.interp },
  { name: "code4 exponential branch from α ≥ 1.5", file: I, from: "      if (alpha >= 1) {\n        const f = Math.exp(alpha * c[off + 1]);", to: "      if (alpha >= 1.5) {\n        const f = Math.exp(alpha * c[off + 1]);", tests: T.interp },
  { name: "code4p A = (Δ⁺ − Δ⁻)/15", file: I, from: "out[off + 4] = (up - dn) / 16; // A", to: "out[off + 4] = (up - dn) / 15; // A", tests: T.interp },
  { name: "code2 quadratic coefficient sign", file: I, from: "out[off + 3] = 0.5 * (up - dn); // a", to: "out[off + 3] = 0.5 * (dn - up); // a", tests: T.interp },
  { name: "code4 polynomial a₆ dropped", file: I, from: "a6 = c[off + 8];", to: "a6 = 0;", tests: T.interp },
  // asymptotic.ts
  { name: "CL_b underflow (simple formula) gives CLs = 0", file: A, from: "    return { clsb, clb, cls: clb > 0 ? clsb / clb : 1 };\n  }\n  return tailProbabilities", to: "    return { clsb, clb, cls: clb > 0 ? clsb / clb : 0 };\n  }\n  return tailProbabilities", tests: T.infer },
  { name: "q̃ second branch without the 2", file: A, from: "return (q - qA) / (2 * sqA);", to: "return (q - qA) / sqA;", tests: T.infer },
  { name: "q̃ branch test q ≤ q_A → q < q_A", file: A, from: "!(sq <= sqA || qA === 0)", to: "!(sq < sqA || qA === 0)", tests: T.infer, equivalent: "at q = q_A both branches give 0" },
  { name: "q̃ branch ignores q_A = 0", file: A, from: "!(sq <= sqA || qA === 0)", to: "!(sq <= sqA)", tests: T.infer },
  { name: "CL_b floor dropped", file: A, from: "const clb = Math.max(normalCdf(-t), clbFloor);", to: "const clb = normalCdf(-t);", tests: T.infer },
  { name: "unbounded q̃ excludes at μ = 0", file: A, from: "if (kind === \"qtilde_unbounded\" && !(mu > 0))", to: "if (kind === \"qtilde_unbounded\" && mu < 0)", tests: T.infer },
  { name: "q0's Asimov at μ_A = 0", file: A, from: "this.muA = muA ?? (testStat === \"q0\" ? 1 : 0);", to: "this.muA = muA ?? 0;", tests: T.infer },
  { name: "expected set at −n σ", file: A, from: "const expected = EXPECTED_SIGMAS.map((n) => tailProbabilities(n, sqA));", to: "const expected = EXPECTED_SIGMAS.map((n) => tailProbabilities(-n, sqA));", tests: T.infer },
  { name: "simple formula CL_s+b = Φ(√q)", file: A, from: "const clsb = normalSf(sq);", to: "const clsb = normalCdf(sq);", tests: T.infer },
  // test-statistics.ts
  { name: "q_μ not zeroed for μ̂ > μ", file: S, from: "return f.muHat > mu ? 0 : tmu(f, mu);", to: "return tmu(f, mu);", tests: T.infer },
  { name: "q0 not zeroed for μ̂ < 0", file: S, from: "return f.muHat < 0 ? 0 : tmu(f, 0);", to: "return tmu(f, 0);", tests: T.infer },
  { name: "unbounded q̃ boundary branch uses the free fit", file: S, from: "return { q: Math.max(0, t - f.twiceNllAt(0)), branch: \"boundary\" };", to: "return { q: Math.max(0, t - f.twiceNllFree), branch: \"boundary\" };", tests: T.infer },
  { name: "unbounded q̃: μ̂ > μ branch never taken", file: S, from: "if (muHat > mu + QTILDE_BRANCH_TOL) return { q: 0, branch: \"muhat_gt_test\" };", to: "", tests: T.infer },
  // lml.ts
  { name: "LML gradient (≤ 3 hyperparameters) drops ½ on θ₀", file: L, from: "out[0] = 0.5 * d0 + o0;", to: "out[0] = d0 + o0;", tests: T.lml },
  { name: "LML gradient (≤ 3) drops ½ on θ₂", file: L, from: "if (p > 2) out[2] = 0.5 * d2 + o2;", to: "if (p > 2) out[2] = d2 + o2;", tests: T.lml },
  { name: "LML log-determinant halved", file: L, from: "logDet += Math.log(K[i * n + i]);", to: "logDet += 0.5 * Math.log(K[i * n + i]);", tests: T.lml },
  { name: "LML general loop: a aᵀ + K⁻¹", file: L, from: "for (let j = ri; j < ri + i; j++) o += (ai * a[j - ri] - kinv[j]) * g[j];", to: "for (let j = ri; j < ri + i; j++) o += (ai * a[j - ri] + kinv[j]) * g[j];", tests: T.lml },
  { name: "LML data term without ½", file: L, from: "const lml = -0.5 * yta - logDet - 0.5 * n * LOG_2PI;", to: "const lml = -yta - logDet - 0.5 * n * LOG_2PI;", tests: T.lml },
  // window-likelihood.ts
  { name: "window: θ constraint term without ½", file: W, from: "f += 0.5 * d * d;", to: "f += d * d;", tests: T.window },
  { name: "window: θ gradient loses its constraint part", file: W, from: "let s = pars[1 + j] - data[B + j];", to: "let s = 0;", tests: T.window },
  { name: "window: A gradient sign", file: W, from: "for (let i = 0; i < B; i++) gA += r[i] * this.w[i];", to: "for (let i = 0; i < B; i++) gA -= r[i] * this.w[i];", tests: T.window },
  { name: "window: soft wall dropped below ε", file: W, from: "f += r[i] * (l - eps) + SOFT_WALL * (eps - l) * (eps - l);", to: "f += r[i] * (l - eps);", tests: T.window },
  { name: "window: eigen fallback without the square root", file: W, from: "const s = Math.sqrt(Math.max(ev[k], floor));", to: "const s = Math.max(ev[k], floor);", tests: T.window },
  { name: "window: Cholesky jitter starts at 1e-6", file: W, from: "let jitter = 1e-10 * scale;", to: "let jitter = 1e-6 * scale;", tests: T.window },
  { name: "window: expected counts not floored at ε", file: W, from: "      out[i] = Math.max(this.lam[i], this.eps);\n      out[B + i] = pars[1 + i];", to: "      out[i] = this.lam[i];\n      out[B + i] = pars[1 + i];", tests: T.window },
];

const filters = process.argv.slice(2);
const chosen = MUTANTS.filter((m) => !filters.length || filters.some((f) => m.file.includes(f) || m.name.includes(f)));

// The copy: <tmp>/repo/{src,test,package.json,tsconfig.json,node_modules → ROOT/node_modules}, <tmp>/shared → ../shared.
const tmp = mkdtempSync(join(tmpdir(), "searchlight-mutants-"));
const repo = join(tmp, "repo");
mkdirSync(repo);
for (const p of ["src", "test", "package.json", "tsconfig.json"]) cpSync(join(ROOT, p), join(repo, p), { recursive: true });
symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"));
const shared = resolve(ROOT, "..", "shared");
if (existsSync(shared)) symlinkSync(shared, join(tmp, "shared"));

/** Run node:test on `files` in the copy; a run past TIMEOUT_MS is killed with its process group. */
function runTests(files) {
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx/esm", "--test", "--test-concurrency=2", ...files], { cwd: repo, detached: true, stdio: ["ignore", "pipe", "ignore"] });
    let out = "", timedOut = false;
    child.stdout.on("data", (d) => (out += d));
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ } }, TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const fails = out.split("\n").filter((l) => /^\s*not ok/.test(l) && !/# TODO/.test(l)).map((l) => l.trim());
      done({ status: timedOut ? "timeout" : code === 0 ? "pass" : "fail", fails, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

let exit = 0;
try {
  const allTests = [...new Set(chosen.flatMap((m) => m.tests))].filter((f) => existsSync(join(repo, f)));
  const base = await runTests(allTests);
  if (base.status !== "pass") {
    console.error(`baseline: the tests fail without any mutant (${base.status}):\n  ${base.fails.slice(0, 5).join("\n  ")}`);
    process.exit(1);
  }
  console.log(`baseline: ${allTests.length} test files pass (${base.seconds.toFixed(1)} s)`);
  const rows = [];
  for (const m of chosen) {
    const path = join(repo, m.file);
    const orig = readFileSync(path, "utf8");
    const count = orig.split(m.from).length - 1;
    if (count !== 1) {
      rows.push({ ...m, result: "stale", detail: `original text found ${count} times` });
      console.log(`STALE     ${m.file}: ${m.name} (original text found ${count} times)`);
      continue;
    }
    writeFileSync(path, orig.replace(m.from, m.to));
    let r;
    try {
      r = await runTests(m.tests.filter((f) => existsSync(join(repo, f))));
    } finally {
      writeFileSync(path, orig);
    }
    const result = r.status === "pass" ? "survived" : "killed";
    rows.push({ ...m, result, detail: r.status === "timeout" ? "timeout" : r.fails[0] ?? "" });
    console.log(`${result === "killed" ? "KILLED  " : "SURVIVED"}  ${m.file}: ${m.name} (${r.seconds.toFixed(1)} s)${r.status === "timeout" ? " [timeout]" : ""}${m.equivalent ? ` [equivalent: ${m.equivalent}]` : ""}`);
  }
  const scored = rows.filter((r) => r.result !== "stale" && !(r.equivalent && r.result === "survived"));
  const killed = scored.filter((r) => r.result === "killed").length;
  const score = scored.length ? killed / scored.length : 1;
  const byFile = {};
  for (const r of scored) (byFile[r.file] ??= [0, 0])[r.result === "killed" ? 0 : 1]++;
  console.log("\nper module (killed/scored):");
  for (const [f, [k, s]] of Object.entries(byFile)) console.log(`  ${f}: ${k}/${k + s}`);
  const stale = rows.filter((r) => r.result === "stale").length, equiv = rows.length - stale - scored.length;
  console.log(`\nmutation score: ${killed}/${scored.length} = ${(100 * score).toFixed(1)}% (${equiv} equivalent survived, ${stale} stale)`);
  for (const r of rows.filter((x) => x.result === "survived" && !x.equivalent)) console.log(`  survived: ${r.file}: ${r.name}`);
  if (score < 0.9) exit = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(exit);
