// Bad options of LocalEnvironment and bad mounts (resolveMounts, which both sandboxes use): each
// is refused at construction with a ConfigurationError that names the option, the value and the
// valid ones. No sandbox is started: these need no bwrap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@bots/auth';
import { afterAll, describe, expect, test } from 'vitest';
import { DockerEnvironment } from './docker-environment.js';
import { LocalEnvironment } from './local-environment.js';
import { resolveLocalOptions } from './local-options.js';
import { resolveMounts } from './mounts.js';

const folder = mkdtempSync(join(tmpdir(), 'bots-options-'));
writeFileSync(join(folder, 'file.txt'), 'x');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function refusal(create: () => unknown): string {
  try {
    create();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('LocalEnvironment options are checked at construction', () => {
  const cases: [string, unknown, string][] = [
    [
      'memory: NaN',
      { memory: Number.NaN },
      'memory must be an integer of at least 16777216, but got NaN.',
    ],
    ['memory: 0', { memory: 0 }, 'memory must be an integer of at least 16777216, but got 0.'],
    ['memory: -1', { memory: -1 }, 'memory must be an integer of at least 16777216, but got -1.'],
    [
      'memory: "1g"',
      { memory: '1g' },
      'memory must be an integer of at least 16777216, but got "1g".',
    ],
    ['memory: 1.5 GiB as a fraction', { memory: 1.5 }, 'but got 1.5.'],
    ['pids: NaN', { pids: Number.NaN }, 'pids must be an integer from 16 to 4194304, but got NaN.'],
    ['pids: 0', { pids: 0 }, 'pids must be an integer from 16 to 4194304, but got 0.'],
    ['pids: -1', { pids: -1 }, 'pids must be an integer from 16 to 4194304, but got -1.'],
    ['pids: Infinity', { pids: Number.POSITIVE_INFINITY }, 'but got Infinity.'],
    [
      'outputLimit: NaN',
      { outputLimit: Number.NaN },
      'outputLimit must be an integer from 100 to 10000000, but got NaN.',
    ],
    [
      'outputLimit: 300 MB',
      { outputLimit: 300_000_000 },
      'outputLimit must be an integer from 100 to 10000000, but got 300000000.',
    ],
    [
      'defaultTimeoutMs: -5',
      { defaultTimeoutMs: -5 },
      'defaultTimeoutMs must be a number of 0 or more of milliseconds',
    ],
    [
      'defaultTimeoutMs: past the timer limit',
      { defaultTimeoutMs: 2 ** 31 },
      'at most 2147483647 (0: no limit), but got 2147483648.',
    ],
    ['network: "yes"', { network: 'yes' }, 'network must be true or false, but got "yes".'],
    ['limits: 0', { limits: 0 }, 'limits must be true or false, but got 0.'],
    [
      'limits: false with memory',
      { limits: false, memory: 512 * 1024 ** 2 },
      'limits is false, so the memory limit you set would not apply.',
    ],
    ['env: a name with "="', { env: { 'A=B': 'x' } }, 'env has the variable name "A=B"'],
    [
      'env: a number value',
      { env: { A: 1 } },
      'env.A must be a string without NUL characters, but got 1.',
    ],
    ['env: a string', { env: 'A=1' }, 'env must be an object, but got "A=1".'],
    [
      'workdir: relative',
      { workdir: 'project' },
      'workdir must be an absolute path (starting with "/", no NUL or newline), but got "project".',
    ],
    ['bwrapPath: a number', { bwrapPath: 5 }, 'bwrapPath must be a non-empty string, but got 5.'],
    ['signal: a string', { signal: 'stop' }, 'signal must be an AbortSignal, but got "stop".'],
    ['options: a string', 'x', 'LocalEnvironment options must be an object, but got "x".'],
    ['options: an array', [], 'LocalEnvironment options must be an object, but got an array of 0.'],
    [
      'a typo of a key',
      { defaultTimeoutMS: 5 },
      'LocalEnvironment options has no option "defaultTimeoutMS". Did you mean defaultTimeoutMs?',
    ],
    ['an unknown key', { memoryMb: 256 }, 'LocalEnvironment options has no option "memoryMb".'],
    [
      'a Docker-only key',
      { image: 'debian' },
      "image is an option of DockerEnvironment; LocalEnvironment runs the host's own programs",
    ],
    [
      'a mount mode typo',
      { mounts: [{ hostPath: folder, mode: 'readonly' }] },
      'mounts[0].mode must be one of "read-only", "read-write", but got "readonly".',
    ],
    [
      'a mount at /usr',
      { mounts: [{ hostPath: folder, sandboxPath: '/usr' }] },
      'mounts[0].sandboxPath is "/usr", inside the sandbox\'s system folder /usr',
    ],
  ];
  test.each(cases)('%s', (_name, options, message) => {
    const text = refusal(() => new LocalEnvironment(options as never));
    expect(text).toContain(message);
  });

  test('the messages say how to fix it', () => {
    expect(refusal(() => new LocalEnvironment({ memory: 0 }))).toContain(
      'It is in bytes (at least 16777216 = 16 MiB), e.g. 512 * 1024 ** 2 for 512 MiB; leave it out for 1 GiB.',
    );
    expect(refusal(() => new LocalEnvironment({ pids: 0 }))).toContain(
      'It is the most processes the sandbox may run at once; leave it out for 256.',
    );
    expect(
      refusal(() => new LocalEnvironment({ mounts: [{ hostPath: folder, sandboxPath: '/usr' }] })),
    ).toContain(
      'Mount under /workdir (the default, /workdir/<folder name>) or another folder of your own, e.g. /data.',
    );
    expect(refusal(() => new LocalEnvironment({ memoryMb: 256 } as never))).toContain(
      'Valid options: mounts, network, memory, pids, workdir, env, outputLimit, defaultTimeoutMs, bwrapPath, limits, signal.',
    );
  });

  test('good options are taken, with the defaults filled in', () => {
    const resolved = resolveLocalOptions({ memory: 64 * 1024 ** 2, pids: 16, defaultTimeoutMs: 0 });
    expect(resolved).toMatchObject({
      memory: 64 * 1024 ** 2,
      pids: 16,
      limits: true,
      limitsRequested: true,
      defaultTimeoutMs: 0,
      outputLimit: 16_000,
      network: false,
      workdir: '/workdir',
    });
    expect(resolveLocalOptions(undefined)).toMatchObject({
      memory: 1024 ** 3,
      pids: 256,
      limitsRequested: false,
    });
    expect(resolveLocalOptions({ limits: false })).toMatchObject({ limits: false });
  });
});

describe('mounts are checked for both sandboxes (resolveMounts)', () => {
  const bad: [string, unknown, string][] = [
    ['not an array', { hostPath: folder }, 'mounts must be an array of mounts, but got an object.'],
    ['an entry that is a string', [folder], 'mounts[0] must be an object, but got "'],
    ['an entry that is null', [null], 'mounts[0] must be an object, but got null.'],
    [
      'no hostPath',
      [{ sandboxPath: '/workdir/x' }],
      'mounts[0].hostPath must be a non-empty string, but got undefined.',
    ],
    [
      'a hostPath that does not exist',
      [{ hostPath: '/no/such/folder' }],
      'mounts[0].hostPath is "/no/such/folder", which does not exist or cannot be read. Pass an existing folder or file.',
    ],
    [
      'mode readonly',
      [{ hostPath: folder, mode: 'readonly' }],
      'mounts[0].mode must be one of "read-only", "read-write", but got "readonly". read-only (the default) keeps the host folder unchanged; read-write lets the bot change it.',
    ],
    ['mode rw', [{ hostPath: folder, mode: 'rw' }], 'but got "rw".'],
    ['mode true', [{ hostPath: folder, mode: true }], 'but got true.'],
    [
      'an unknown key',
      [{ hostPath: folder, readOnly: true }],
      'mounts[0] has no option "readOnly".',
    ],
    [
      'a relative sandboxPath',
      [{ hostPath: folder, sandboxPath: 'workdir/x' }],
      'mounts[0].sandboxPath must be an absolute path inside the sandbox',
    ],
    [
      'sandboxPath "/"',
      [{ hostPath: folder, sandboxPath: '/' }],
      'mounts[0].sandboxPath must not be "/"',
    ],
    [
      'sandboxPath "/workdir/.."',
      [{ hostPath: folder, sandboxPath: '/workdir/..' }],
      'mounts[0].sandboxPath must not be "/"',
    ],
    [
      'sandboxPath /etc',
      [{ hostPath: folder, sandboxPath: '/etc' }],
      "inside the sandbox's system folder /etc",
    ],
    [
      'sandboxPath /proc/sys',
      [{ hostPath: folder, sandboxPath: '/proc/sys' }],
      "inside the sandbox's system folder /proc",
    ],
    [
      'sandboxPath /dev/shm',
      [{ hostPath: folder, sandboxPath: '/dev/shm' }],
      "inside the sandbox's system folder /dev",
    ],
    [
      'sandboxPath /usr/local/x',
      [{ hostPath: folder, sandboxPath: '/usr/local/x' }],
      "inside the sandbox's system folder /usr",
    ],
    [
      'sandboxPath /workdir/../usr',
      [{ hostPath: folder, sandboxPath: '/workdir/../usr' }],
      "inside the sandbox's system folder /usr",
    ],
    [
      'sandboxPath /lib64',
      [{ hostPath: folder, sandboxPath: '/lib64' }],
      "inside the sandbox's system folder /lib64",
    ],
    [
      'the same sandboxPath twice',
      [
        { hostPath: folder },
        {
          hostPath: join(folder, 'file.txt'),
          sandboxPath: `/workdir/${folder.split('/').at(-1)}/`,
        },
      ],
      'mounts[0] and mounts[1] both use the sandbox path',
    ],
  ];
  test.each(bad)('%s', (_name, mounts, message) => {
    expect(refusal(() => resolveMounts(mounts))).toContain(message);
  });

  test('good mounts: defaults filled in, paths normalised', () => {
    expect(
      resolveMounts([
        { hostPath: folder },
        { hostPath: join(folder, 'file.txt'), sandboxPath: '/data//in/', mode: 'read-write' },
      ]),
    ).toEqual([
      {
        hostPath: folder,
        sandboxPath: `/workdir/${folder.split('/').at(-1)}`,
        mode: 'read-only',
        directory: true,
      },
      {
        hostPath: join(folder, 'file.txt'),
        sandboxPath: '/data/in',
        mode: 'read-write',
        directory: false,
      },
    ]);
    expect(resolveMounts(undefined)).toEqual([]);
  });

  test('DockerEnvironment refuses the same mode typo at construction (it no longer drops the mount)', () => {
    expect(
      refusal(
        () => new DockerEnvironment({ mounts: [{ hostPath: folder, mode: 'readonly' as never }] }),
      ),
    ).toBe(
      'DockerEnvironment option mounts[0].mode must be one of "read-only", "read-write", but got "readonly". read-only (the default) keeps the host folder unchanged; read-write lets the bot change it.',
    );
    expect(
      refusal(() => new DockerEnvironment({ mounts: [{ hostPath: folder, sandboxPath: '/usr' }] })),
    ).toContain("inside the sandbox's system folder /usr");
  });
});
