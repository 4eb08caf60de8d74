// `npm run bench [-- name-filter]`: runs bench/*.bench.ts and writes BENCHMARKS.md.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import type { BenchSection } from "./types.ts";

const filter = process.argv.slice(2);
const files = readdirSync(new URL(".", import.meta.url)).filter((f) => f.endsWith(".bench.ts")).sort()
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));

const sections: BenchSection[] = [];
for (const f of files) {
  process.stderr.write(`bench: ${f}\n`);
  const mod = await import(new URL(f, import.meta.url).href);
  sections.push(await mod.run());
}

const fmt = (s: number | null) => (s === null ? "–" : s < 1e-3 ? `${(s * 1e6).toFixed(1)} µs` : s < 1 ? `${(s * 1e3).toFixed(2)} ms` : `${s.toFixed(2)} s`);

function renderSection(s: BenchSection): string {
  const lines = [`## ${s.title}`, "", `Peer: ${s.peerName}`, "", `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}.`, "", "| case | what | Searchlight | peer | speed-up | note |", "|---|---|---|---|---|---|"];
  for (const r of s.rows) {
    const speed = r.peer !== null && r.ours > 0 ? `${(r.peer / r.ours).toFixed(0)}×` : "–";
    lines.push(`| ${r.case} | ${r.what} | ${fmt(r.ours)} | ${fmt(r.peer)} | ${speed} | ${r.note ?? ""} |`);
  }
  return lines.join("\n") + "\n";
}

// Sections already in BENCHMARKS.md that were not re-run now are kept as they are.
const target = new URL("../BENCHMARKS.md", import.meta.url);
const kept = new Map<string, string>();
if (existsSync(target)) {
  const text = readFileSync(target, "utf8");
  for (const part of text.split(/^(?=## )/m).slice(1)) kept.set(part.split("\n")[0], part.trimEnd() + "\n");
}
for (const s of sections) kept.set(`## ${s.title}`, renderSection(s));
const header = [
  "# Benchmarks",
  "",
  "Written by `npm run bench` (or `npm run bench -- <name>` for one file of bench/). Peer figures are the",
  "wall times recorded in ../shared/reference or the specs (same machine kind: 2 cores). Single process unless stated.",
  "",
].join("\n");
writeFileSync(target, header + "\n" + [...kept.values()].join("\n"));
process.stderr.write("bench: wrote BENCHMARKS.md\n");
