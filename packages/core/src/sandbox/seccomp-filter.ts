import { endianness } from 'node:os';
import {
  ERRNO,
  type ModeSyscall,
  SETID_BITS,
  SETID_MODE_SYSCALLS,
  UNCHECKABLE_SYSCALLS,
} from './setid-rules.js';

/**
 * The local sandbox's seccomp filter: {@link SETID_MODE_SYSCALLS} and {@link UNCHECKABLE_SYSCALLS}
 * compiled to a classic BPF program (`struct sock_filter[]`), as bubblewrap's `--seccomp FD`
 * reads it. The program checks `seccomp_data.arch` first: x86_64 and aarch64 calls are checked,
 * the x32 ABI (x86_64 numbers with bit 30 set) and every other architecture (i386 through
 * `int 0x80`, arm32 compat) kill the process, so that no second syscall table is left unchecked.
 */

/** The architectures the filter knows, by their names in the Linux syscall tables. */
export type SeccompArchitecture = 'x86_64' | 'aarch64';

/** `AUDIT_ARCH_*` values, as `seccomp_data.arch` holds them. */
export const AUDIT_ARCH: Readonly<Record<SeccompArchitecture, number>> = {
  x86_64: 0xc000003e,
  aarch64: 0xc00000b7,
};

/** x32 calls are x86_64 calls with this bit set in the number. */
export const X32_SYSCALL_BIT = 0x40000000;

/** Filter return values (`SECCOMP_RET_*`). */
export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  ERRNO: 0x00050000,
  ALLOW: 0x7fff0000,
} as const;

/** Offsets in `struct seccomp_data` (`nr`, `arch`, then `args[6]` of 64 bits each). */
export const SECCOMP_DATA = { nr: 0, arch: 4, args: 16 } as const;

/** Classic BPF opcodes the program uses. */
export const BPF = {
  LD_W_ABS: 0x20,
  JEQ_K: 0x15,
  JGE_K: 0x35,
  JSET_K: 0x45,
  RET_K: 0x06,
} as const;

/** One `struct sock_filter`. */
export interface BpfInstruction {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

type Label = string;
type Line = { label: Label } | { code: number; k: number; jt?: Label; jf?: Label };

/** The architectures whose Node `process.arch` the filter covers. */
export const SECCOMP_NODE_ARCHITECTURES: Readonly<Record<string, SeccompArchitecture>> = {
  x64: 'x86_64',
  arm64: 'aarch64',
};

function assemble(lines: readonly Line[]): BpfInstruction[] {
  const positions = new Map<Label, number>();
  let count = 0;
  for (const line of lines) {
    if ('label' in line) positions.set(line.label, count);
    else count++;
  }
  const program: BpfInstruction[] = [];
  for (const line of lines) {
    if ('label' in line) continue;
    const here = program.length;
    const offset = (label: Label | undefined): number => {
      if (label === undefined) return 0;
      const target = positions.get(label);
      if (target === undefined) throw new Error(`seccomp filter: no label ${label}`);
      const jump = target - here - 1;
      if (jump < 0 || jump > 255) throw new Error(`seccomp filter: jump to ${label} out of range`);
      return jump;
    };
    program.push({ code: line.code, k: line.k >>> 0, jt: offset(line.jt), jf: offset(line.jf) });
  }
  return program;
}

function ret(value: number): Line {
  return { code: BPF.RET_K, k: value };
}

/** The setid filter as instructions (see {@link setidSeccompProgram} for the bytes). */
export function setidSeccompInstructions(): BpfInstruction[] {
  const modeArguments = new Set<number>();
  const lines: Line[] = [
    { code: BPF.LD_W_ABS, k: SECCOMP_DATA.arch },
    { code: BPF.JEQ_K, k: AUDIT_ARCH.x86_64, jt: 'x86_64' },
    { code: BPF.JEQ_K, k: AUDIT_ARCH.aarch64, jt: 'aarch64' },
    ret(SECCOMP_RET.KILL_PROCESS),
  ];
  for (const architecture of Object.keys(AUDIT_ARCH) as SeccompArchitecture[]) {
    lines.push({ label: architecture }, { code: BPF.LD_W_ABS, k: SECCOMP_DATA.nr });
    if (architecture === 'x86_64') lines.push({ code: BPF.JGE_K, k: X32_SYSCALL_BIT, jt: 'kill' });
    const numbered = (syscall: ModeSyscall) => syscall.numbers[architecture];
    for (const syscall of SETID_MODE_SYSCALLS) {
      const number = numbered(syscall);
      if (number === undefined) continue;
      modeArguments.add(syscall.modeArgument);
      lines.push({ code: BPF.JEQ_K, k: number, jt: `mode-${syscall.modeArgument}` });
    }
    for (const syscall of UNCHECKABLE_SYSCALLS) {
      const number = numbered(syscall);
      if (number !== undefined) lines.push({ code: BPF.JEQ_K, k: number, jt: 'enosys' });
    }
    lines.push(ret(SECCOMP_RET.ALLOW));
  }
  for (const argument of [...modeArguments].sort((a, b) => a - b)) {
    // The mode is a 32-bit value: on these little-endian architectures the low half of the
    // 64-bit argument comes first.
    lines.push(
      { label: `mode-${argument}` },
      { code: BPF.LD_W_ABS, k: SECCOMP_DATA.args + 8 * argument },
      { code: BPF.JSET_K, k: SETID_BITS, jt: 'eperm', jf: 'allow' },
    );
  }
  lines.push(
    { label: 'allow' },
    ret(SECCOMP_RET.ALLOW),
    { label: 'eperm' },
    ret(SECCOMP_RET.ERRNO | ERRNO.EPERM),
    { label: 'enosys' },
    ret(SECCOMP_RET.ERRNO | ERRNO.ENOSYS),
    { label: 'kill' },
    ret(SECCOMP_RET.KILL_PROCESS),
  );
  return assemble(lines);
}

/** The setid filter as the bytes bubblewrap's `--seccomp FD` reads (native byte order). */
export function setidSeccompProgram(): Buffer {
  const instructions = setidSeccompInstructions();
  const bytes = Buffer.alloc(instructions.length * 8);
  const little = endianness() === 'LE';
  for (const [index, instruction] of instructions.entries()) {
    const at = index * 8;
    if (little) {
      bytes.writeUInt16LE(instruction.code, at);
      bytes.writeUInt32LE(instruction.k, at + 4);
    } else {
      bytes.writeUInt16BE(instruction.code, at);
      bytes.writeUInt32BE(instruction.k, at + 4);
    }
    bytes.writeUInt8(instruction.jt, at + 2);
    bytes.writeUInt8(instruction.jf, at + 3);
  }
  return bytes;
}
