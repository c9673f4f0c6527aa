import { randomBytes } from 'node:crypto';

/**
 * The bash functions the persistent shell runs for the sentinel protocol. Sent once when the
 * shell starts; shared by every sandbox.
 *
 * Each command is sent as
 *
 *     __bots_pre SECONDS <<'__BOTS_EOF_DELIMITER'
 *     <command>
 *     __BOTS_EOF_DELIMITER
 *     { eval "$__bots_cmd" </dev/null; __bots_post $? NONCE; }
 *
 * so that `cd`, `export`, variables and functions persist (the command runs in the shell
 * itself), its stdin is never the protocol's stream, and the exit code comes back on a line
 * `__BOTS_DONE_NONCE:<code>:<timed out 0|1>`.
 *
 * Why the command cannot forge that line: NONCE is 128 random bits, fresh for each command, and
 * it is never in a variable, the environment, the shell's arguments or a file. It is a literal of
 * the last line, which bash parses whole before it runs any of it, so while the command runs the
 * protocol stream holds nothing more and the nonce exists only in the memory of the shell (and of
 * the shell's own forks). Programs the command starts cannot read that memory when the shell is
 * not dumpable: a sandbox starts it from an execute-only copy of bash (see the sandboxes), which
 * makes `/proc/<shell>/{mem,fd,environ}` and ptrace refused to every process without
 * `CAP_SYS_PTRACE`. What is not stopped: the command's own text runs inside the shell, so it can
 * hook the shell itself (a `DEBUG` trap, redefining `__bots_post`) and see or replace its own end
 * line; only the command's author (the model) can do that, for its own command.
 *
 * Timeouts: job control (`set -m`) gives each command's processes their own process group, and
 * `__bots_pre` starts a watchdog job that, after SECONDS, kills every process the shell started
 * after the watchdog (found through /proc: the shell's children and their descendants) and
 * exits 0. Once it fires it ignores SIGTERM, so `__bots_post` (which sends SIGTERM to the
 * watchdog's group and waits for it) sees status 0 exactly when it fired, and reports 124. The
 * shell and its earlier background jobs survive. A command that loops in the shell itself (a
 * builtin `while :; do :; done`) has no process to kill: the host then kills and restarts the
 * whole shell.
 */
export const SHELL_PRELUDE = `
exec 2>&1
set --
set -m
set +o histexpand 2>/dev/null
__bots_cmd= __bots_w=
__bots_watchdog() {
  local IFS=$' \\t\\n' shell=$$ me=$BASHPID s f a mine pass pid p top spg
  local -A parent=() start=() group=()
  local -a victims=()
  IFS= read -r s < "/proc/$me/stat" || exit 0
  s=\${s##*) }; read -r -a a <<< "$s"; mine=\${a[19]}
  sleep "$1"
  trap '' TERM
  for pass in 1 2 3; do
    parent=(); start=(); group=(); victims=()
    for f in /proc/[0-9]*/stat; do
      IFS= read -r s 2>/dev/null < "$f" || continue
      pid=\${f#/proc/}; pid=\${pid%/stat}
      s=\${s##*) }; read -r -a a <<< "$s"
      parent[$pid]=\${a[1]}; group[$pid]=\${a[2]}; start[$pid]=\${a[19]}
    done
    spg=\${group[$shell]}
    for pid in "\${!parent[@]}"; do
      p=$pid; top=
      while [ -n "$p" ] && [ "$p" != "$shell" ] && [ "$p" != 0 ] && [ "$p" != 1 ]; do top=$p; p=\${parent[$p]}; done
      if [ "$p" = "$shell" ] && [ -n "$top" ] && [ "$top" != "$me" ] && [ "\${start[$top]:-0}" -ge "$mine" ]; then
        victims+=("$pid")
      fi
    done
    [ "\${#victims[@]}" -eq 0 ] && break
    for pid in "\${victims[@]}"; do
      [ "\${group[$pid]}" != "$spg" ] && kill -KILL -- "-\${group[$pid]}" 2>/dev/null
      kill -KILL "$pid" 2>/dev/null
    done
  done
  exit 0
}
__bots_pre() {
  __bots_w=; __bots_cmd=
  IFS= read -r -d '' __bots_cmd
  if [ "$1" != 0 ]; then __bots_watchdog "$1" </dev/null & __bots_w=$!; fi
  return 0
}
__bots_post() {
  local rc=$1 ws=1 fired=0
  if [ -n "$__bots_w" ]; then
    kill -TERM -- "-$__bots_w" 2>/dev/null
    wait "$__bots_w" 2>/dev/null; ws=$?
    [ "$ws" = 0 ] && rc=124 fired=1
    __bots_w=
  fi
  printf '\\n__BOTS_DONE_%s:%s:%s\\n' "$2" "$rc" "$fired"
}
`;

/**
 * The text that runs one command through the protocol. `nonce` ends the command's output and
 * `delimiter` ends the heredoc that carries it: two different fresh random tokens (see
 * {@link protocolToken}), so that the nonce appears nowhere before the command has ended.
 */
export function protocolMessage(
  nonce: string,
  delimiter: string,
  command: string,
  timeoutMs: number,
): string {
  const seconds = timeoutMs > 0 ? (timeoutMs / 1000).toFixed(3) : '0';
  const body = command.endsWith('\n') ? command : `${command}\n`;
  return (
    `__bots_pre ${seconds} <<'__BOTS_EOF_${delimiter}'\n` +
    body +
    `__BOTS_EOF_${delimiter}\n` +
    `{ eval "$__bots_cmd" </dev/null; __bots_post $? ${nonce}; }\n`
  );
}

/** A fresh protocol token: 128 random bits as 32 hex digits. */
export function protocolToken(): string {
  return randomBytes(16).toString('hex');
}

/** Characters of the longest end line (`\n__BOTS_DONE_<32 hex>:<exit code>:<0|1>\n`). */
export const SENTINEL_MAX_LENGTH = '\n__BOTS_DONE_:4294967295:1\n'.length + 32;

/**
 * The line that ends a command's output: `\n__BOTS_DONE_<nonce>:<exit code>:<1 if the watchdog
 * fired, else 0>\n`.
 */
export function sentinelPattern(nonce: string): RegExp {
  return new RegExp(`\\n__BOTS_DONE_${nonce}:(\\d+):([01])\\n`);
}
