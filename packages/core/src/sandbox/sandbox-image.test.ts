import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { SANDBOX_DOCKERFILE, SANDBOX_IMAGE, tarOfFiles } from './sandbox-image.js';

const dockerfile = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'sandbox-image',
  'Dockerfile',
);

test('the embedded Dockerfile is the same as sandbox-image/Dockerfile', () => {
  expect(SANDBOX_DOCKERFILE).toBe(readFileSync(dockerfile, 'utf8'));
});

test('the image tag is derived from the Dockerfile as .ci/make-base-image.sh does (sha256sum | cut -c1-12)', () => {
  const digest = createHash('sha256').update(readFileSync(dockerfile)).digest('hex').slice(0, 12);
  expect(SANDBOX_IMAGE).toBe(`bots-sandbox:${digest}`);
});

test('tarOfFiles writes an archive that tar reads back', () => {
  const directory = mkdtempSync(join(tmpdir(), 'bots-tar-test-'));
  try {
    const archive = join(directory, 'a.tar');
    writeFileSync(
      archive,
      tarOfFiles({
        Dockerfile: 'FROM scratch\n',
        'run.sh': { content: '#!/bin/sh\n', mode: 0o755 },
      }),
    );
    const listing = spawnSync('tar', ['-tvf', archive], { encoding: 'utf8' });
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(/-rw-r--r-- .* 13 .* Dockerfile/);
    expect(listing.stdout).toMatch(/-rwxr-xr-x .* 10 .* run\.sh/);
    const extracted = spawnSync('tar', ['-xOf', archive, 'Dockerfile'], { encoding: 'utf8' });
    expect(extracted.stdout).toBe('FROM scratch\n');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
