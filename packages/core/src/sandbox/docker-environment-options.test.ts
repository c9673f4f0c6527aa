// Bad DockerEnvironment options fail at construction with a ConfigurationError that names the
// option, the value and what is valid. No engine is needed: nothing is started.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@bots/auth';
import Docker from 'dockerode';
import { afterAll, describe, expect, test } from 'vitest';
import { DockerEnvironment } from './docker-environment.js';
import { resolveDockerSettings } from './docker-environment-options.js';

const folder = mkdtempSync(join(tmpdir(), 'bots-options-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function failure(options: unknown): ConfigurationError {
  try {
    new DockerEnvironment(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error(`no error for ${JSON.stringify(options)}`);
}

describe('DockerEnvironment options are checked at construction', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'memory NaN',
      { memory: Number.NaN },
      /option memory must be an integer of at least 6291456, but got NaN\. .*512 \* 1024 \*\* 2/,
    ],
    [
      'memory 0',
      { memory: 0 },
      /option memory must be an integer of at least 6291456, but got 0\./,
    ],
    ['memory -1', { memory: -1 }, /option memory must be .* but got -1\./],
    [
      'memory 1.5 GiB as a fraction',
      { memory: 1.5 },
      /option memory must be an integer .* but got 1\.5\./,
    ],
    [
      'memory as a string',
      { memory: '512m' },
      /option memory must be an integer .* but got "512m"\./,
    ],
    [
      'pids NaN',
      { pids: Number.NaN },
      /option pids must be an integer from 16 to 4194304, but got NaN\./,
    ],
    ['pids 0', { pids: 0 }, /option pids must be an integer from 16 to 4194304, but got 0\./],
    ['pids -1', { pids: -1 }, /option pids must be .* but got -1\./],
    [
      'cpus -1',
      { cpus: -1 },
      /option cpus must be a number of at least 0\.01, but got -1\. .*leave it unset for no limit/,
    ],
    [
      'cpus Infinity',
      { cpus: Number.POSITIVE_INFINITY },
      /option cpus must be a number .* but got Infinity\./,
    ],
    [
      'outputLimit NaN',
      { outputLimit: Number.NaN },
      /option outputLimit must be an integer from 100 to 10000000, but got NaN\./,
    ],
    [
      'outputLimit 300 MB',
      { outputLimit: 300_000_000 },
      /option outputLimit must be .* but got 300000000\./,
    ],
    [
      'defaultTimeoutMs -5',
      { defaultTimeoutMs: -5 },
      /option defaultTimeoutMs must be a number of 0 or more of milliseconds, at most 2147483647 \(0: no limit\), but got -5\./,
    ],
    [
      'defaultTimeoutMs past the timer limit',
      { defaultTimeoutMs: 2 ** 31 },
      /option defaultTimeoutMs must be .* at most 2147483647 .* but got 2147483648\./,
    ],
    [
      'network typo',
      { network: 'hots name' },
      /option network must be true, false, "none", "host", "bridge", "container:<name>" or the name of a Docker network, but got "hots name"\./,
    ],
    ['network as a number', { network: 1 }, /option network must be true, false, .* but got 1\./],
    [
      'user as a name',
      { user: 'root' },
      /option user must be "uid" or "uid:gid" in numbers from 0 to 4294967294, such as "1000:1000", but got "root"\./,
    ],
    [
      'user with a bad gid',
      { user: '1000:x' },
      /option user must be "uid" or "uid:gid" .* but got "1000:x"\./,
    ],
    [
      'user past the largest id',
      { user: '4294967295' },
      /option user must be .* but got "4294967295"\./,
    ],
    [
      'env name with =',
      { env: { 'A=B': 'x' } },
      /option env has the variable name "A=B"; a name is letters, digits and _ .* Pass \{ NAME: "value" \}\./,
    ],
    [
      'env value not a string',
      { env: { A: 1 } },
      /option env\.A must be a string without NUL characters, but got 1\./,
    ],
    [
      'env value with NUL',
      { env: { A: 'a\0b' } },
      /option env\.A must be a string without NUL characters, but got a string with NUL\./,
    ],
    [
      'env the sandbox uses itself',
      { env: { BOTS_SHELL: 'x' } },
      /option env sets BOTS_SHELL, which the sandbox uses itself .* choose another name\./,
    ],
    [
      'labels with the sandbox prefix',
      { labels: { 'bots.pid': '1' } },
      /option labels has the label "bots\.pid"; names starting with "bots\." are the sandbox's own/,
    ],
    [
      'labels value not a string',
      { labels: { team: 7 } },
      /option labels\.team must be a string, but got 7\./,
    ],
    [
      'workdir relative',
      { workdir: 'project' },
      /option workdir must be an absolute path inside the sandbox, such as "\/workdir\/project", but got "project"\./,
    ],
    [
      'image with spaces',
      { image: 'node 20' },
      /option image must be an image reference without spaces, such as "node:20-bookworm-slim", but got "node 20"\./,
    ],
    ['image empty', { image: '' }, /option image must be a non-empty string, but got ""\./],
    [
      'readOnlyRootfs as a string',
      { readOnlyRootfs: 'yes' },
      /option readOnlyRootfs must be true or false, but got "yes"\./,
    ],
    [
      'docker not a client',
      { docker: {} },
      /option docker\.ping must be a function, but got undefined\. Pass a dockerode client/,
    ],
    [
      'onProgress not a function',
      { onProgress: 'log' },
      /option onProgress must be a function, but got "log"\./,
    ],
    [
      'signal not a signal',
      { signal: { aborted: false } },
      /option signal must be an AbortSignal \(controller\.signal\), but got an object\./,
    ],
    [
      'unknown key (a typo)',
      { memroy: 1024 ** 3 },
      /DockerEnvironment options has no option "memroy"\. Valid options: image, mounts, network, memory/,
    ],
    [
      'near miss in case',
      { outputlimit: 100 },
      /has no option "outputlimit"\. Did you mean outputLimit\?/,
    ],
    ['options not an object', 'x', /DockerEnvironment options must be an object, but got "x"\./],
    [
      'mounts not an array',
      { mounts: { hostPath: '/tmp' } },
      /option mounts must be an array of mounts, but got an object\. Pass \{ hostPath: /,
    ],
    [
      'mount mode typo',
      { mounts: [{ hostPath: folder, mode: 'readonly' }] },
      /option mounts\[0\]\.mode must be one of "read-only", "read-write", but got "readonly"\. read-only \(the default\)/,
    ],
    [
      'mount without hostPath',
      { mounts: [{ sandboxPath: '/x' }] },
      /option mounts\[0\]\.hostPath must be a non-empty string, but got undefined\./,
    ],
    [
      'mount with an unknown key',
      { mounts: [{ hostPath: folder, readOnly: true }] },
      /option mounts\[0\] has no option "readOnly"\. Valid options: hostPath, sandboxPath, mode\./,
    ],
  ];
  for (const [label, options, message] of cases) {
    test(`${label}: ${JSON.stringify(options)?.slice(0, 60)}`, () => {
      expect(failure(options).message).toMatch(message);
    });
  }

  test('a typo in a mount mode never drops or widens the mount: it fails before anything runs', () => {
    const error = failure({ mounts: [{ hostPath: folder, mode: 'rw' }] });
    expect(error.message).toMatch(/mounts\[0\]\.mode must be one of "read-only", "read-write"/);
  });

  test('valid options pass and get their defaults', () => {
    const settings = resolveDockerSettings({
      memory: 512 * 1024 ** 2,
      pids: 64,
      cpus: 0.5,
      network: 'host',
      user: '1234',
      env: { A: 'b' },
      labels: { team: 'x' },
      workdir: '/workdir/p',
      defaultTimeoutMs: 0,
      docker: new Docker({ socketPath: '/nonexistent.sock' }),
      mounts: [{ hostPath: folder, mode: 'read-write' }],
    });
    expect(settings).toMatchObject({
      memory: 512 * 1024 ** 2,
      pids: 64,
      cpus: 0.5,
      network: 'host',
      user: { uid: 1234, gid: 1234 },
      defaultTimeoutMs: 0,
      readOnlyRootfs: false,
    });
    expect(resolveDockerSettings(undefined)).toMatchObject({
      memory: 1024 ** 3,
      pids: 256,
      network: false,
      defaultTimeoutMs: 120_000,
      user: undefined,
    });
  });
});
