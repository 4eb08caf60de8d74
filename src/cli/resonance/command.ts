// `searchlight resonance <verb>`: resonance searches on any experiment's spectrum (general
// signal shapes, GP or parametric backgrounds, variable bins, any unit). The HPS analysis keeps
// its hps-gpr verbs and keys under `searchlight bump`.
//   scan      the configured mass scan of every dataset, with look-elsewhere corrections
//   bands     the scan with the asymptotic ±1σ/±2σ bands of the expected limit
//   test      one mass: window, background, Â, σ_A, Z, limit
//   inject    signal-injection closure: mean fitted yield and local Z against the Asimov expectation
//   example   generate a falling spectrum with a Crystal Ball signal on variable bins and scan it
import type { Command } from "commander";
import { register as scan } from "./scan.ts";
import { register as test } from "./test.ts";
import { register as inject } from "./inject.ts";
import { register as example } from "./example.ts";

export function register(cmd: Command): void {
  for (const r of [scan, test, inject, example]) r(cmd);
}
