/** Throughput over a sliding window, for progress speed and ETA. */
export class ProgressMeter {
  private samples: { t: number; bytes: number }[] = [];

  constructor(
    private readonly windowMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  reset(bytes: number): void {
    this.samples = [{ t: this.now(), bytes }];
  }

  /** Records the current byte count; returns bytes per second over the window (0 if unknown). */
  sample(bytes: number): number {
    const t = this.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (t - first.t) / 1000;
    if (dt < 0.2) return 0;
    return Math.max(0, (bytes - first.bytes) / dt);
  }
}
