import { ConfigurationError } from '@bots/auth';
import { expect, test } from 'vitest';
import { SandboxError } from './errors.js';
import { SandboxPool, type SandboxPoolOptions } from './sandbox-pool.js';

// What a SandboxPool refuses at construction, and after close(): no engine, no bubblewrap needed
// (nothing here starts a sandbox).

const bad = (options: unknown) => () => new SandboxPool(options as SandboxPoolOptions);

test.each([
  ['nothing', undefined, /SandboxPool options must be an object/],
  ['no sandbox', { size: 2 }, /sandbox is required: 'docker' .* or 'local'/],
  ['sandbox auto', { size: 2, sandbox: 'auto' }, /sandbox must be one of "docker", "local"/],
  ['no size', { sandbox: 'docker' }, /size is required: .* from 1 to 64/],
  ['size 0', { size: 0, sandbox: 'docker' }, /size must be an integer from 1 to 64, but got 0/],
  ['size 1.5', { size: 1.5, sandbox: 'docker' }, /size must be an integer from 1 to 64/],
  ['size 65', { size: 65, sandbox: 'local' }, /size must be an integer from 1 to 64, but got 65/],
  ['size as text', { size: '2', sandbox: 'docker' }, /size must be an integer .* got "2"/],
  [
    'signal not a signal',
    { size: 1, sandbox: 'docker', signal: {} },
    /signal must be an AbortSignal/,
  ],
  // The sandbox's own checks, at the pool's construction.
  ['a typo', { size: 1, sandbox: 'docker', memroy: 1 }, /no option "memroy"/],
  ['too little memory', { size: 1, sandbox: 'docker', memory: 1024 }, /memory must be an integer/],
  [
    'bad mount mode',
    { size: 1, sandbox: 'docker', mounts: [{ hostPath: '/tmp', mode: 'rw' }] },
    /mode/,
  ],
  [
    'a bots. label',
    { size: 1, sandbox: 'docker', labels: { 'bots.pool': 'x' } },
    /"bots\." are the sandbox's own/,
  ],
  [
    'a Docker option for local',
    { size: 1, sandbox: 'local', image: 'node:20' },
    /image is an option of DockerEnvironment/,
  ],
  [
    'bad local workdir',
    { size: 1, sandbox: 'local', workdir: 'relative' },
    /workdir must be an absolute path/,
  ],
])('%s: ConfigurationError at construction', (_name, options, message) => {
  expect(bad(options)).toThrow(ConfigurationError);
  expect(bad(options)).toThrow(message);
});

test('acquire() and start() after close(), and on a pool whose signal aborted: a SandboxError that says to make a new pool', async () => {
  const pool = new SandboxPool({ size: 1, sandbox: 'docker' });
  await pool.close();
  expect(pool.closed).toBe(true);
  await expect(pool.acquire()).rejects.toThrow(SandboxError);
  await expect(pool.acquire()).rejects.toThrow(
    /This SandboxPool was closed .* create a new SandboxPool/,
  );
  await expect(pool.start()).rejects.toThrow(/was closed/);
  await expect(pool.close()).resolves.toBeUndefined();

  const later = new AbortController();
  const closedLater = new SandboxPool({ size: 1, sandbox: 'docker', signal: later.signal });
  expect(closedLater.closed).toBe(false);
  later.abort();
  expect(closedLater.closed).toBe(true);
  await expect(closedLater.acquire()).rejects.toThrow(/was closed/);

  const controller = new AbortController();
  controller.abort();
  const aborted = new SandboxPool({ size: 1, sandbox: 'docker', signal: controller.signal });
  await expect(aborted.acquire()).rejects.toThrow(/was closed/);
  expect(aborted.stats).toEqual({ idle: 0, starting: 0, inUse: 0 });
});

test('acquire() options are checked', async () => {
  const pool = new SandboxPool({ size: 1, sandbox: 'docker' });
  try {
    await expect(pool.acquire({ signal: 'soon' } as never)).rejects.toThrow(ConfigurationError);
    await expect(pool.acquire({ timeout: 1 } as never)).rejects.toThrow(/no option "timeout"/);
    // Nothing was started by a refused call.
    expect(pool.stats).toEqual({ idle: 0, starting: 0, inUse: 0 });
  } finally {
    await pool.close();
  }
});
