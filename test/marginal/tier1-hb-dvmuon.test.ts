// Tier 1 (spec §6.1) on every region of atlas_susy_hb_2019 and atlas_susy_DVmuon_2020.
import { describe, after } from "node:test";
import { needsShared } from "../shared.ts";
import { regionsOf, tier1Region, worst } from "./tier1-check.ts";

for (const search of ["atlas_susy_hb_2019", "atlas_susy_DVmuon_2020"]) {
  describe(`Tier 1: ${search}`, needsShared(), () => {
    for (const region of regionsOf(search)) tier1Region(search, region);
  });
}
after(() => console.log(`# tier1 hb+DVmuon worst: ${JSON.stringify(worst)}`));
