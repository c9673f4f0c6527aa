// Attacks run inside the Docker sandbox by its tests. Test support (not shipped).

/**
 * A Python program that makes one raw system call per name given on its command line and prints
 * `<name> <ok | errno name>`; names that take a path get it as `name=PATH`. Calls a filter should
 * refuse, and controls it should allow. `int80-chmod` and `x32-chmod` make a 32-bit (`int 0x80`)
 * and an x32 `chmod(path, 04755)`: a filter that allows only native calls kills the process.
 */
export const SYSCALL_PROBE = String.raw`
import ctypes, errno, mmap, os, platform, signal, sys, time

X86 = platform.machine() == 'x86_64'
NUMBERS = {
    'chmod': (90, None), 'fchmodat': (268, 53), 'fchmodat2': (452, 452), 'openat2': (437, 437),
    'io_uring_setup': (425, 425), 'clone': (56, 220), 'clone3': (435, 435), 'unshare': (272, 97),
    'keyctl': (250, 219), 'add_key': (248, 217), 'request_key': (249, 218), 'bpf': (321, 280),
    'perf_event_open': (298, 241), 'userfaultfd': (323, 282), 'ptrace': (101, 117),
    'process_vm_readv': (310, 270), 'mount': (165, 40), 'personality': (135, 92),
    'socket': (41, 198), 'init_module': (175, 105), 'kexec_load': (246, 104), 'setns': (308, 268),
    'open_by_handle_at': (304, 265), 'pidfd_getfd': (438, 438), 'kcmp': (312, 272),
}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def arg(value):
    return ctypes.c_long(value) if isinstance(value, int) else value

def call(name, *args):
    number = NUMBERS[name][0 if X86 else 1]
    result = libc.syscall(ctypes.c_long(number), *[arg(value) for value in args])
    if result == 0 and name == 'clone':
        os._exit(0)
    code = ctypes.get_errno()
    return 'ok' if result >= 0 else errno.errorcode.get(code, str(code))

def int80_chmod(path):
    page = mmap.mmap(-1, 4096, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x40,
                     prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    address = ctypes.addressof(ctypes.c_char.from_buffer(page))
    target = address + 256
    code = (b'\xb8' + (15).to_bytes(4, 'little') + b'\xbb' + target.to_bytes(4, 'little') +
            b'\xb9' + (0o4755).to_bytes(4, 'little') + b'\xcd\x80\xc3')
    page.write(code)
    page.seek(256)
    page.write(path.encode() + b'\0')
    return 'returned %d' % ctypes.CFUNCTYPE(ctypes.c_int)(address)()

def ptrace_sibling():
    child = os.fork()
    if child == 0:
        time.sleep(5)
        os._exit(0)
    try:
        return call('ptrace', 16, child, 0, 0)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)

ATTACKS = {
    'unshare-user': lambda: call('unshare', 0x10000000),
    'unshare-mount': lambda: call('unshare', 0x20000),
    'clone-newuser': lambda: call('clone', 0x10000000 | 17, 0, 0, 0, 0),
    'clone-newnet': lambda: call('clone', 0x40000000 | 17, 0, 0, 0, 0),
    'clone3': lambda: call('clone3', 0, 0),
    'setns': lambda: call('setns', 0, 0),
    'keyctl': lambda: call('keyctl', 0, -3, 1),
    'add_key': lambda: call('add_key', b'user', b'bots', b'secret', 6, -2),
    'request_key': lambda: call('request_key', b'user', b'bots', None, 0),
    'bpf': lambda: call('bpf', 5, 0, 0),
    'perf_event_open': lambda: call('perf_event_open', 0, 0, -1, -1, 0),
    'userfaultfd': lambda: call('userfaultfd', 0),
    'ptrace': ptrace_sibling,
    'process_vm_readv': lambda: call('process_vm_readv', os.getpid(), 0, 0, 0, 0, 0),
    'pidfd_getfd': lambda: call('pidfd_getfd', 0, 0, 0),
    'kcmp': lambda: call('kcmp', os.getpid(), os.getpid(), 0, 0, 0),
    'mount': lambda: call('mount', b'none', b'/tmp', b'tmpfs', 0, None),
    'personality-no-aslr': lambda: call('personality', 0x40000),
    'personality-no-aslr-high-bits': lambda: call('personality', (1 << 32) | 0x40000),
    'personality-read-implies-exec': lambda: call('personality', 0x400000),
    'personality-linux': lambda: call('personality', 0),
    'socket-vsock': lambda: call('socket', 40, 1, 0),
    'socket-vsock-high-bits': lambda: call('socket', (1 << 32) | 40, 1, 0),
    'socket-packet': lambda: call('socket', 17, 3, 0),
    'socket-inet': lambda: call('socket', 2, 1, 0),
    'socket-unix': lambda: call('socket', 1, 1, 0),
    'init_module': lambda: call('init_module', None, 0, b''),
    'kexec_load': lambda: call('kexec_load', 0, 0, None, 0),
    'open_by_handle_at': lambda: call('open_by_handle_at', 0, None, 0),
    'io_uring_setup': lambda: call('io_uring_setup', 1, 0),
    'fchmodat2-setuid': lambda path: call('fchmodat2', -100, path.encode(), 0o4755, 0),
    'fchmodat-setgid': lambda path: call('fchmodat', -100, path.encode(), 0o2755),
    'openat2-create': lambda path: call('openat2', -100, path.encode(), None, 0),
    'int80-chmod': int80_chmod,
    'x32-chmod': lambda path: call_x32(path),
}

def call_x32(path):
    result = libc.syscall(ctypes.c_long(0x40000000 | 90), path.encode(), ctypes.c_long(0o4755))
    return 'ok' if result >= 0 else errno.errorcode.get(ctypes.get_errno(), '?')

for item in sys.argv[1:]:
    name, _, path = item.partition('=')
    outcome = ATTACKS[name](path) if path else ATTACKS[name]()
    print(name, outcome, flush=True)
`;

/** Shell text that writes {@link SYSCALL_PROBE} to `path`. */
export function writeSyscallProbe(path: string): string {
  return `cat > ${path} <<'__PROBE_EOF__'\n${SYSCALL_PROBE}\n__PROBE_EOF__\n`;
}
