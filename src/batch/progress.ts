// A progress bar on stderr when it is a terminal (silent otherwise, e.g. in CI and pipes).

export class Progress {
  private done = 0;
  private readonly start = Date.now();
  private last = 0;
  private readonly enabled: boolean;

  constructor(private readonly total: number, private readonly label: string, enabled = Boolean(process.stderr.isTTY)) {
    this.enabled = enabled && total > 0;
  }

  tick(n = 1): void {
    this.done += n;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && this.done < this.total) return;
    this.last = now;
    const frac = Math.min(1, this.done / this.total);
    const width = 30;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
    const el = (now - this.start) / 1000;
    const eta = frac > 0 ? el / frac - el : 0;
    process.stderr.write(`\r${this.label} ${bar} ${this.done}/${this.total} ${el.toFixed(1)}s${this.done < this.total ? ` (eta ${eta.toFixed(1)}s)` : ""}   `);
  }

  finish(): void {
    if (this.enabled) process.stderr.write("\n");
  }
}
