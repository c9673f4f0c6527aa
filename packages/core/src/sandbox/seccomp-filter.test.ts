import { describe, expect, test } from 'vitest';
import {
  AUDIT_ARCH,
  BPF,
  type BpfInstruction,
  SECCOMP_DATA,
  SECCOMP_RET,
  setidSeccompInstructions,
  setidSeccompProgram,
  X32_SYSCALL_BIT,
} from './seccomp-filter.js';
import { ERRNO, SETID_MODE_SYSCALLS, UNCHECKABLE_SYSCALLS } from './setid-rules.js';

/** Runs a classic BPF seccomp program on one `seccomp_data` (the kernel's semantics, in small). */
function evaluate(
  program: readonly BpfInstruction[],
  data: { nr: number; arch: number; args?: number[] },
): number {
  const word = (offset: number): number => {
    if (offset === SECCOMP_DATA.nr) return data.nr >>> 0;
    if (offset === SECCOMP_DATA.arch) return data.arch >>> 0;
    const index = (offset - SECCOMP_DATA.args) / 8;
    if (!Number.isInteger(index) || index < 0 || index > 5) throw new Error(`bad load ${offset}`);
    return (data.args?.[index] ?? 0) >>> 0;
  };
  let accumulator = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const { code, jt, jf, k } = program[pc]!;
    switch (code) {
      case BPF.LD_W_ABS:
        accumulator = word(k);
        break;
      case BPF.JEQ_K:
        pc += accumulator === k ? jt : jf;
        break;
      case BPF.JGE_K:
        pc += accumulator >= k ? jt : jf;
        break;
      case BPF.JSET_K:
        pc += (accumulator & k) !== 0 ? jt : jf;
        break;
      case BPF.RET_K:
        return k;
      default:
        throw new Error(`unknown opcode ${code}`);
    }
  }
  throw new Error('the program ran off its end');
}

const program = setidSeccompInstructions();
const EPERM = SECCOMP_RET.ERRNO | ERRNO.EPERM;
const ENOSYS = SECCOMP_RET.ERRNO | ERRNO.ENOSYS;

function call(arch: 'x86_64' | 'aarch64', name: string, mode: number): number {
  const syscall = SETID_MODE_SYSCALLS.find((entry) => entry.name === name)!;
  const args = [0, 0, 0, 0, 0, 0];
  args[syscall.modeArgument] = mode;
  return evaluate(program, { nr: syscall.numbers[arch]!, arch: AUDIT_ARCH[arch], args });
}

describe('the setid seccomp filter (classic BPF compiled from setid-rules)', () => {
  test('every mode syscall of each architecture: refused with EPERM for 04000 and 02000, allowed for ordinary modes', () => {
    let checked = 0;
    for (const arch of ['x86_64', 'aarch64'] as const) {
      for (const syscall of SETID_MODE_SYSCALLS) {
        if (syscall.numbers[arch] === undefined) continue;
        checked++;
        for (const mode of [0o4755, 0o2755, 0o6000, 0o104755, 0o4000]) {
          expect(
            call(arch, syscall.name, mode),
            `${arch} ${syscall.name} ${mode.toString(8)}`,
          ).toBe(EPERM);
        }
        for (const mode of [0o755, 0o644, 0o1777, 0o100644, 0]) {
          expect(
            call(arch, syscall.name, mode),
            `${arch} ${syscall.name} ${mode.toString(8)}`,
          ).toBe(SECCOMP_RET.ALLOW);
        }
      }
    }
    expect(checked).toBe(14);
  });

  test('the mode is read from the argument the rules name, not another one', () => {
    // chmod(path, mode): a setuid-looking path pointer in argument 0 is not the mode.
    expect(evaluate(program, { nr: 90, arch: AUDIT_ARCH.x86_64, args: [0o4755, 0o644] })).toBe(
      SECCOMP_RET.ALLOW,
    );
    // openat(dirfd, path, flags, mode): flags that happen to hold 04000 (O_NONBLOCK is 04000) are not the mode.
    expect(
      evaluate(program, { nr: 257, arch: AUDIT_ARCH.x86_64, args: [0, 0, 0o4000, 0o644] }),
    ).toBe(SECCOMP_RET.ALLOW);
    expect(
      evaluate(program, { nr: 257, arch: AUDIT_ARCH.x86_64, args: [0, 0, 0o100, 0o4755] }),
    ).toBe(EPERM);
  });

  test('calls whose mode the filter cannot see (openat2, io_uring_setup) get ENOSYS, so programs fall back', () => {
    for (const arch of ['x86_64', 'aarch64'] as const) {
      for (const syscall of UNCHECKABLE_SYSCALLS) {
        expect(evaluate(program, { nr: syscall.numbers[arch]!, arch: AUDIT_ARCH[arch] })).toBe(
          ENOSYS,
        );
      }
    }
  });

  test('other calls are allowed (read, write, execve, clone)', () => {
    for (const nr of [0, 1, 59, 56]) {
      expect(
        evaluate(program, { nr, arch: AUDIT_ARCH.x86_64, args: [0o4755, 0o4755, 0o4755, 0o4755] }),
      ).toBe(SECCOMP_RET.ALLOW);
    }
    // aarch64's 90 is capget: not chmod, so not checked there.
    expect(evaluate(program, { nr: 90, arch: AUDIT_ARCH.aarch64, args: [0, 0o4755] })).toBe(
      SECCOMP_RET.ALLOW,
    );
  });

  test('x32 calls and every other architecture (i386, arm32, riscv) kill the process', () => {
    expect(
      evaluate(program, { nr: X32_SYSCALL_BIT | 90, arch: AUDIT_ARCH.x86_64, args: [0, 0o4755] }),
    ).toBe(SECCOMP_RET.KILL_PROCESS);
    expect(evaluate(program, { nr: X32_SYSCALL_BIT | 1, arch: AUDIT_ARCH.x86_64 })).toBe(
      SECCOMP_RET.KILL_PROCESS,
    );
    for (const arch of [0x40000003, 0x40000028, 0xc00000f3, 0]) {
      expect(evaluate(program, { nr: 15, arch, args: [0, 0o4755] }), arch.toString(16)).toBe(
        SECCOMP_RET.KILL_PROCESS,
      );
    }
  });

  test('the bytes are struct sock_filter in native order: 8 bytes each, code, jt, jf, k', () => {
    const bytes = setidSeccompProgram();
    expect(bytes.length).toBe(program.length * 8);
    expect(program.length).toBeLessThan(4096);
    const first = program[0]!;
    expect(bytes.readUInt16LE(0)).toBe(first.code);
    expect(bytes.readUInt32LE(4)).toBe(SECCOMP_DATA.arch);
    const last = program.at(-1)!;
    expect(bytes.readUInt32LE(bytes.length - 4)).toBe(last.k);
  });
});
