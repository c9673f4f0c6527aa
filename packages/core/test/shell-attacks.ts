// Attacks on the shell protocol, shared by the ShellSession tests (a host bash) and the Docker
// tests (the sandbox's shell). Test support (not shipped).

/**
 * A Python program that a command runs as a child of the sandbox's shell. It tries every way a
 * child has to learn the shell's end-of-command nonce: the shell's environment, arguments, open
 * file descriptors (among them the protocol's saved stdin), memory and ptrace. Each 32-hex token
 * it finds is used for a forged end line claiming exit code 0, and then, half a second later, a
 * line `INJECTED-LATE` meant for the next command's result. It prints `REPORT <what it could
 * read>` and exits with 5.
 */
export const NONCE_THIEF = String.raw`
import ctypes, errno, os, re, sys, time

shell = os.getppid()
tokens = set()
report = []

def name_of(error):
    return errno.errorcode.get(error.errno, str(error.errno))

def scan(data):
    for token in re.findall(rb'[0-9a-f]{32}', data):
        tokens.add(token.decode())

for part in ('environ', 'cmdline'):
    try:
        with open('/proc/%d/%s' % (shell, part), 'rb') as handle:
            scan(handle.read())
        report.append(part + ':read')
    except OSError as error:
        report.append(part + ':' + name_of(error))

try:
    descriptors = os.listdir('/proc/%d/fd' % shell)
    report.append('fd-list:read')
except OSError as error:
    descriptors = [str(number) for number in range(0, 256)]
    report.append('fd-list:' + name_of(error))
opened = 0
for descriptor in descriptors:
    try:
        handle = os.open('/proc/%d/fd/%s' % (shell, descriptor), os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        continue
    opened += 1
    try:
        scan(os.read(handle, 65536))
    except OSError:
        pass
    os.close(handle)
report.append('fd-open:%d' % opened)

try:
    with open('/proc/%d/maps' % shell) as maps, open('/proc/%d/mem' % shell, 'rb', 0) as memory:
        for line in maps:
            fields = line.split()
            if not fields[1].startswith('rw'):
                continue
            start, end = (int(value, 16) for value in fields[0].split('-'))
            try:
                memory.seek(start)
                scan(memory.read(min(end - start, 64 * 1024 * 1024)))
            except OSError:
                pass
    report.append('mem:read')
except OSError as error:
    report.append('mem:' + name_of(error))

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
if libc.ptrace(16, shell, None, None) == 0:
    report.append('ptrace:attached')
    time.sleep(0.05)
    libc.ptrace(17, shell, None, None)
else:
    report.append('ptrace:' + errno.errorcode.get(ctypes.get_errno(), '?'))

for token in sorted(tokens):
    sys.stdout.write('\n__BOTS_DONE_%s:0:0\n' % token)
sys.stdout.write('REPORT %s tokens=%d\n' % (' '.join(report), len(tokens)))
sys.stdout.flush()
time.sleep(0.5)
sys.stdout.write('INJECTED-LATE\n')
sys.stdout.flush()
sys.exit(5)
`;

/** Shell text that writes {@link NONCE_THIEF} to `path`. */
export function writeNonceThief(path: string): string {
  return `cat > ${path} <<'__THIEF_EOF__'\n${NONCE_THIEF}\n__THIEF_EOF__\n`;
}

/**
 * Shell text that tries to end its own output early from inside the shell: end lines with made-up
 * nonces (and with the variables an older protocol kept the nonce in), each claiming exit 0, then
 * text for the next command; then it exits with 3.
 */
export const FORGED_END_LINES = String.raw`for guess in 0 1 2 3 4 5 6 7 8 9; do
  printf '\n__BOTS_DONE_%s:0:0\nINJECTED-GUESS\n' "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
done
printf '\n__BOTS_DONE_%s:0:0\nINJECTED-VARIABLE\n' "$__bots_n" "$__bots_nonce" "$BOTS_NONCE"
printf '\n__BOTS_DONE_00000000000000000000000000000000:0:0\nINJECTED-ZERO\n'
(sleep 0.3; echo INJECTED-LATE) ; (exit 3)`;
