/** One line of the benchmark table. */
export interface BenchRow {
  /** Section letter (a–f). */
  section: string;
  /** What is measured. */
  figure: string;
  /** Median (or the single value). */
  p50: string;
  /** 99th percentile, when it applies. */
  p99?: string;
  /** The target, as text. */
  target?: string;
  /** Whether the target is met (undefined: no target for this line). */
  met?: boolean;
  /** How it was measured / what bounds it. */
  note?: string;
}
