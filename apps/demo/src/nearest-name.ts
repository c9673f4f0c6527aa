/** Edit distance (insertions, deletions, substitutions, swaps of neighbours) between two words. */
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows[i] = [i];
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      if (i === 0) {
        row[j] = j;
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The candidate a mistyped name most likely meant (`timout` -> `timeout`, `iterations` ->
 * `max-iterations`), or undefined when none is close: within 2 edits (1 for short names), or the
 * typed name is a part of exactly one candidate.
 */
export function nearestName(typed: string, candidates: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  if (word.length === 0) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const edits = distance(word, name.toLowerCase());
    if (!best || edits < best.distance) best = { name, distance: edits };
  }
  if (best && best.distance <= (word.length <= 4 ? 1 : 2)) return best.name;
  const containing = candidates.filter((name) => word.length >= 3 && name.includes(word));
  return containing.length === 1 ? containing[0] : undefined;
}
