// Progress on stderr: a bar when stderr is a terminal; otherwise (batch and SLURM logs, pipes) a
// line every ~10 s with done/total, rate and ETA; nothing with --quiet (Progress.quiet, set by
// the CLI for every command) or SEARCHLIGHT_QUIET=1. A caller passing `enabled = false` is silent.

const fmtSeconds = (s: number) => (s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

export class Progress {
  /** Silence every progress display of the process (--quiet). */
  static quiet = false;
  /** Seconds between two progress lines when stderr is not a terminal. */
  static lineEvery = 10;

  private done = 0;
  private readonly start = Date.now();
  private last = 0;
  private readonly mode: "bar" | "lines" | "off";

  constructor(private readonly total: number, private readonly label: string, enabled?: boolean) {
    const on = enabled ?? true;
    this.mode = !on || total <= 0 || Progress.quiet || process.env.SEARCHLIGHT_QUIET === "1" ? "off" : process.stderr.isTTY ? "bar" : "lines";
    this.last = this.mode === "lines" ? this.start : 0;
  }

  tick(n = 1): void {
    this.done += n;
    if (this.mode === "off") return;
    const now = Date.now();
    const el = (now - this.start) / 1000;
    const frac = Math.min(1, this.done / this.total);
    const eta = frac > 0 ? el / frac - el : 0;
    if (this.mode === "lines") {
      if (now - this.last < Progress.lineEvery * 1000 || this.done >= this.total) return;
      this.last = now;
      const rate = this.done / Math.max(el, 1e-9);
      process.stderr.write(`${this.label}: ${this.done}/${this.total} (${(100 * frac).toFixed(0)}%) after ${fmtSeconds(el)}, ${rate >= 1 ? `${rate.toFixed(1)}/s` : `${fmtSeconds(1 / Math.max(rate, 1e-9))} each`}, ETA ${fmtSeconds(eta)}\n`);
      return;
    }
    if (now - this.last < 100 && this.done < this.total) return;
    this.last = now;
    const width = 30;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
    process.stderr.write(`\r${this.label} ${bar} ${this.done}/${this.total} ${el.toFixed(1)}s${this.done < this.total ? ` (eta ${eta.toFixed(1)}s)` : ""}   `);
  }

  finish(): void {
    if (this.mode === "bar") process.stderr.write("\n");
  }
}
