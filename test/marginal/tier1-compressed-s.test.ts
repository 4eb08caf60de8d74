// Tier 1 (spec §6.1) on the SR_S_* regions of atlas_susy_compressed_2020.
import { describe, after } from "node:test";
import { needsShared } from "../shared.ts";
import { regionsOf, tier1Region, worst } from "./tier1-check.ts";

const search = "atlas_susy_compressed_2020";
describe(`Tier 1: ${search} SR_S_*`, needsShared(), () => {
  for (const region of regionsOf(search).filter((r) => r.startsWith("SR_S_"))) tier1Region(search, region);
});
after(() => console.log(`# tier1 compressed SR_S worst: ${JSON.stringify(worst)}`));
