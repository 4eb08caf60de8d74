// A generated HPS-2015-like e⁺e⁻ invariant-mass spectrum for the self-contained example
// (`searchlight bump example`, README quick start): 3000 bins of 0.05 MeV on [0, 150] MeV as the
// real 2015 histogram, a smooth background shaped like it (trigger/acceptance turn-on near
// 20 MeV, exponential fall with τ ≈ 9.3 MeV; ≈ 4·10⁴ events per bin at the 30 MeV peak), and a
// Gaussian signal at 60 MeV with the 2015 mass resolution σ(m) (sigma_coeffs_2015), Poisson
// fluctuated with a seeded generator. The injected yield (3000 events, ≈ 3 σ_A at 60 MeV)
// gives the scan something to find (local Z ≈ 3.6 at 60–62 MeV). Masses whose GP training
// sidebands hold the signal are pulled negative (Â/σ_A ≈ −3.7 at 54 MeV): the known cost of a
// sideband fit, visible here because the truth is known.
import { Rng } from "../math/rng.ts";
import { normalCdf } from "../math/special.ts";

export interface ExampleSpectrum {
  edges: number[];
  counts: number[];
  truth: { signal_mass_GeV: number; signal_yield: number; signal_sigma_GeV: number; seed: number };
}

/** Background density per 0.05 MeV bin at m (GeV). */
function background(m: number): number {
  const turnOn = 1 / (1 + Math.exp(-(m - 0.021) / 0.0025));
  return 4.4e4 * turnOn * Math.exp(-(m - 0.03) / 0.0093);
}

export function exampleSpectrum(seed = 2015, signal = { mass: 0.06, yield: 3000 }): ExampleSpectrum {
  const nb = 3000, lo = 0, hi = 0.15;
  const edges = Array.from({ length: nb + 1 }, (_, i) => lo + ((hi - lo) * i) / nb);
  // 2015 resolution polynomial (hps_gpr default sigma_coeffs_2015).
  const sigma = -0.0000922283032152 + 0.0532190838657 * signal.mass;
  const rng = new Rng(seed);
  const counts = new Array<number>(nb);
  for (let i = 0; i < nb; i++) {
    const a = edges[i], b = edges[i + 1];
    // Background: Simpson's rule over the bin (the density varies slowly on 0.05 MeV).
    const mu = (background(a) + 4 * background(0.5 * (a + b)) + background(b)) / 6;
    const s = signal.yield * (normalCdf((b - signal.mass) / sigma) - normalCdf((a - signal.mass) / sigma));
    counts[i] = rng.poisson(mu + s);
  }
  return { edges, counts, truth: { signal_mass_GeV: signal.mass, signal_yield: signal.yield, signal_sigma_GeV: sigma, seed } };
}
