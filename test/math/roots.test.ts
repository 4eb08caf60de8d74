// Root finding with analytic cases: bisection's stopping rules and midpoint result, bracket
// expansion by doubling steps (upward, downward to a known lower end, caps), Brent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bisect, brent, expandBracket } from "../../src/math/roots.ts";

test("bisect: √2 to 1e-12; the midpoint of the final bracket; the value rule |f| < ftol", () => {
  const r = bisect((x) => 2 - x * x, 0, 2, { rtol: 1e-13, xtol: 0, maxIter: 200 });
  assert.ok(r.converged && Math.abs(r.x - Math.SQRT2) < 1e-12, `${r.x}`);
  // f = 0.3 − x on [0, 1], relative width 0.25: brackets [0, .5], [.25, .5], [.25, .375], [.25, .3125] → 0.28125.
  const w = bisect((x) => 0.3 - x, 0, 1, { rtol: 0.25, xtol: 0 });
  assert.deepEqual(w, { x: 0.28125, converged: true, iterations: 4 });
  // The value rule stops at the first midpoint with |f| < ftol and returns it.
  const v = bisect((x) => 0.3 - x, 0, 1, { ftol: 0.1, rtol: 0 });
  assert.deepEqual(v, { x: 0.25, converged: true, iterations: 2 });
  // Increasing f works too (the side with f(a)'s sign moves).
  assert.ok(Math.abs(bisect((x) => x * x * x - 8, 0, 5, { rtol: 1e-14, xtol: 0 }).x - 2) < 1e-12);
  const cut = bisect((x) => 2 - x * x, 0, 2, { rtol: 0, xtol: 0, maxIter: 10 });
  assert.equal(cut.converged, false);
  assert.ok(Math.abs(cut.x - Math.SQRT2) < 2 / 2 ** 10);
});

test("expandBracket: upward doubling from x0 = s; downward to the known lower end; caps", () => {
  const calls: number[] = [];
  const f = (x: number) => { calls.push(x); return 100 - x; };
  const up = expandBracket(f, 1, 1, { lower: 0, fLower: 1 });
  assert.deepEqual(calls, [1, 2, 4, 8, 16, 32, 64, 128]);
  assert.deepEqual(up, { lo: 64, hi: 128, flo: 36, fhi: -28, bracketed: true, steps: 7 });
  // Additive doubling steps: x0 + s, x0 + 3s, x0 + 7s …
  calls.length = 0;
  expandBracket(f, 10, 20, { lower: 0, fLower: 1 });
  assert.deepEqual(calls, [10, 30, 70, 150]);
  // Cap and step limit: not bracketed, the last point is returned.
  const capped = expandBracket(f, 1, 1, { lower: 0, fLower: 1, cap: 50 });
  assert.equal(capped.hi, 64);
  assert.equal(capped.bracketed, false);
  assert.equal(expandBracket(f, 1, 1, { lower: 0, fLower: 1, maxSteps: 3 }).hi, 8);
  // Downward: 10, 9, 7, 3, then −5 < lower → the lower end with its known value (no call).
  calls.length = 0;
  const g = (x: number) => { calls.push(x); return 2.5 - x; };
  const down = expandBracket(g, 10, 1, { lower: 0, fLower: 0.95 });
  assert.deepEqual(calls, [10, 9, 7, 3]);
  assert.deepEqual(down, { lo: 0, hi: 3, flo: 0.95, fhi: -0.5, bracketed: true, steps: 4 });
});

test("brent: roots of analytic functions to the tolerance", () => {
  const r = brent((x) => Math.cos(x) - x, 0, 1, { xtol: 1e-15, rtol: 1e-15 });
  assert.ok(Math.abs(r.x - 0.7390851332151607) < 1e-14);
  assert.throws(() => brent((x) => x * x + 1, -1, 1), RangeError);
});
