import { expect, test } from 'vitest';
import {
  ALLOWED_SYSCALLS,
  FALLBACK_SYSCALLS,
  REFUSED_SYSCALLS,
  type SeccompRule,
  sandboxSeccompJson,
  sandboxSeccompProfile,
  syscallNames,
} from './seccomp-profile.js';
import { ERRNO, SETID_MODE_SYSCALLS, UNCHECKABLE_SYSCALLS } from './setid-rules.js';

const profile = sandboxSeccompProfile();
const rulesFor = (name: string): SeccompRule[] =>
  profile.syscalls.filter((rule) => rule.names.includes(name));
const unconditionallyAllowed = new Set(
  profile.syscalls
    .filter((rule) => rule.action === 'SCMP_ACT_ALLOW' && !rule.args)
    .flatMap((rule) => rule.names),
);

test('an allowlist: anything not named is refused with ENOSYS, native calls only', () => {
  expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
  expect(profile.defaultErrnoRet).toBe(ERRNO.ENOSYS);
  expect(profile.archMap).toEqual([
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: [] },
  ]);
  expect(JSON.parse(sandboxSeccompJson())).toEqual(profile);
});

test('every call of setid-rules is allowed only without the setuid/setgid bits, and refused with EPERM with either', () => {
  for (const call of SETID_MODE_SYSCALLS) {
    expect(unconditionallyAllowed.has(call.name), call.name).toBe(false);
    const rules = rulesFor(call.name);
    const condition = (rule: SeccompRule) =>
      rule.args?.map((arg) => [arg.index, arg.value, arg.valueTwo]);
    expect(rules.find((rule) => rule.action === 'SCMP_ACT_ALLOW')).toBeDefined();
    expect(condition(rules.find((rule) => rule.action === 'SCMP_ACT_ALLOW')!)).toEqual([
      [call.modeArgument, 0o6000, 0],
    ]);
    const refused = rules.filter((rule) => rule.action === 'SCMP_ACT_ERRNO');
    expect(refused.map(condition)).toEqual([
      [[call.modeArgument, 0o4000, 0o4000]],
      [[call.modeArgument, 0o2000, 0o2000]],
    ]);
    for (const rule of refused) expect(rule.errnoRet).toBe(ERRNO.EPERM);
  }
});

test('calls whose mode a filter cannot see get ENOSYS (programs fall back); so do clone3 and io_uring', () => {
  for (const name of [
    ...UNCHECKABLE_SYSCALLS.map((call) => call.name),
    'clone3',
    'io_uring_enter',
  ]) {
    expect(FALLBACK_SYSCALLS).toContain(name);
    expect(rulesFor(name)).toEqual([
      expect.objectContaining({ action: 'SCMP_ACT_ERRNO', errnoRet: ERRNO.ENOSYS }),
    ]);
  }
});

test('no refused call is also allowed, and clone, socket, personality are allowed only with checked arguments', () => {
  for (const name of Object.values(REFUSED_SYSCALLS).flatMap(syscallNames)) {
    expect(
      rulesFor(name).map((rule) => rule.action),
      name,
    ).toEqual(['SCMP_ACT_ERRNO']);
  }
  for (const name of [
    'clone',
    'socket',
    'socketpair',
    'personality',
    'unshare',
    'ptrace',
    'keyctl',
  ]) {
    expect(unconditionallyAllowed.has(name), name).toBe(false);
  }
  const allowed = Object.values(ALLOWED_SYSCALLS).flatMap(syscallNames);
  expect(new Set(allowed).size).toBe(allowed.length);
  expect(rulesFor('clone').find((rule) => rule.action === 'SCMP_ACT_ALLOW')?.args).toEqual([
    { index: 0, value: 0x7e02_0000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' },
  ]);
  // 32-bit arguments compared on their low 32 bits only, so high bits cannot slip past.
  for (const rule of [...rulesFor('socket'), ...rulesFor('personality')]) {
    expect(rule.args?.[0]?.value).toBe(0xffff_ffff);
  }
});
