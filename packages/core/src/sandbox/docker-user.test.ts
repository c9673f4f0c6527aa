import { expect, test } from 'vitest';
import { chooseSandboxUser, type SandboxUserInput } from './docker-user.js';
import type { ResolvedMount } from './mounts.js';

const mount = (hostPath: string, mode: ResolvedMount['mode']): ResolvedMount => ({
  hostPath,
  sandboxPath: `/workdir${hostPath}`,
  mode,
  directory: true,
});
const owners: Record<string, { uid: number; gid: number }> = {
  '/root-owned': { uid: 0, gid: 0 },
  '/alice': { uid: 1001, gid: 1001 },
  '/bob': { uid: 1002, gid: 50 },
};
const input = (overrides: Partial<SandboxUserInput>): SandboxUserInput => ({
  mounts: [],
  processUid: 0,
  processGid: 0,
  ownerOf: (path) => owners[path]!,
  ...overrides,
});

test('the user option wins', () => {
  expect(chooseSandboxUser(input({ explicit: { uid: 7, gid: 8 } }))).toEqual({ uid: 7, gid: 8 });
});

test('a process that is not root runs the sandbox as itself, whatever the mounts', () => {
  expect(
    chooseSandboxUser(
      input({ processUid: 1500, processGid: 1600, mounts: [mount('/alice', 'read-write')] }),
    ),
  ).toEqual({ uid: 1500, gid: 1600 });
});

test('as root: the owner of the first read-write mount, else of the first mount, else the image user', () => {
  expect(
    chooseSandboxUser(
      input({ mounts: [mount('/alice', 'read-only'), mount('/bob', 'read-write')] }),
    ),
  ).toEqual({ uid: 1002, gid: 50 });
  expect(chooseSandboxUser(input({ mounts: [mount('/alice', 'read-only')] }))).toEqual({
    uid: 1001,
    gid: 1001,
  });
  expect(chooseSandboxUser(input({}))).toEqual({ uid: 1000, gid: 1000 });
});

test('as root with a root-owned folder: uid 0 (no capabilities), and a note that says why and how to change it', () => {
  const user = chooseSandboxUser(input({ mounts: [mount('/root-owned', 'read-write')] }));
  expect(user).toMatchObject({ uid: 0, gid: 0 });
  expect(user.note).toMatch(
    /runs as uid 0, without any capability, because \/root-owned belongs to root.*Pass user: "1000:1000"/,
  );
});
