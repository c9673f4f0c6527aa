/** The counts a batch's progress line shows. */
export interface BatchCounts {
  /** Tasks finished with success in this run. */
  done: number;
  /** Tasks finished without success in this run (recorded too). */
  failed: number;
  running: number;
  /** Tasks not started yet. */
  left: number;
  /** Tasks skipped because results.jsonl already had them. */
  skipped: number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}

/**
 * `batch: 12 done, 1 failed, 3 running, 14 left · 0.82 tasks/s · ETA 21 s`: the rate is of tasks
 * finished in this run over its elapsed time; the ETA is what is left (running and not started)
 * at that rate.
 */
export function progressLine(counts: BatchCounts, elapsedMs: number): string {
  const finished = counts.done + counts.failed;
  const rate = elapsedMs > 0 ? finished / (elapsedMs / 1000) : 0;
  const remaining = counts.running + counts.left;
  const eta =
    remaining === 0 ? 'ETA 0 s' : rate > 0 ? `ETA ${duration(remaining / rate)}` : 'ETA ?';
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} already in results` : '';
  return `batch: ${counts.done} done, ${counts.failed} failed, ${counts.running} running, ${counts.left} left${skipped} · ${rate.toFixed(2)} tasks/s · ${eta}`;
}
