// Helpers shared by the bench files (not a bench itself: run.mjs runs only *.bench.mjs).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The value at quantile `q` (0..1) of `values`. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export const median = (values) => quantile(values, 0.5);

/** Whether a Docker engine answers a ping within 2 s (DOCKER_HOST honoured). */
export async function dockerAnswers() {
  try {
    const Docker = createRequire(join(root, 'packages', 'core', 'package.json'))('dockerode');
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer in 2 s')), 2_000);
    });
    await Promise.race([new Docker().ping(), timeout]).finally(() => clearTimeout(timer));
    return { available: true };
  } catch (error) {
    return { available: false, reason: error?.message ?? String(error) };
  }
}
