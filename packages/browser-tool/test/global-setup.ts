// Builds the browser image once before the test files run (they run in parallel and would
// otherwise build it concurrently). Without an engine this does nothing: the Docker test files
// skip (or fail in CI) with the reason.
import Docker from 'dockerode';
import { ensureBrowserImage } from '../src/browser-image.js';

export default async function setup(): Promise<void> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch {
    return;
  }
  const started = Date.now();
  const tag = await ensureBrowserImage({
    docker,
    // The engine may be shared (this project's CI machines run several checkouts): never remove
    // an image another checkout built.
    pruneOld: false,
    onProgress: (line) => {
      if (/^(Building|Built|Step \d+\/\d+)/.test(line))
        process.stderr.write(`[browser image] ${line}\n`);
    },
  });
  process.stderr.write(`[browser image] ${tag} ready (${Date.now() - started} ms)\n`);
}
