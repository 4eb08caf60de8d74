// `npm run bench [-- name-filter]`: runs bench/*.bench.ts and writes BENCHMARKS.md.
import { readdirSync, writeFileSync } from "node:fs";
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
const lines: string[] = [
  "# Benchmarks",
  "",
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}.`,
  "Peer figures are the wall times recorded in ../shared/reference (same machine kind). Single process unless stated.",
  "",
];
for (const s of sections) {
  lines.push(`## ${s.title}`, "", `Peer: ${s.peerName}`, "", "| case | what | Searchlight | peer | speed-up | note |", "|---|---|---|---|---|---|");
  for (const r of s.rows) {
    const speed = r.peer !== null && r.ours > 0 ? `${(r.peer / r.ours).toFixed(0)}×` : "–";
    lines.push(`| ${r.case} | ${r.what} | ${fmt(r.ours)} | ${fmt(r.peer)} | ${speed} | ${r.note ?? ""} |`);
  }
  lines.push("");
}
writeFileSync(new URL("../BENCHMARKS.md", import.meta.url), lines.join("\n"));
process.stderr.write("bench: wrote BENCHMARKS.md\n");
