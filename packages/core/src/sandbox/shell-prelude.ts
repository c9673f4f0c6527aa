/**
 * The bash functions the persistent shell runs for the sentinel protocol. Sent once when the
 * shell starts; shared by every sandbox.
 *
 * Each command is sent as
 *
 *     __bots_pre NONCE SECONDS <<'__BOTS_EOF_NONCE'
 *     <command>
 *     __BOTS_EOF_NONCE
 *     eval "$__bots_cmd" </dev/null
 *     __bots_post $?
 *
 * so that `cd`, `export`, variables and functions persist (the command runs in the shell
 * itself), its stdin is never the protocol's stream, and the exit code comes back on a line
 * `__BOTS_DONE_NONCE:<code>:<timed out 0|1>` that the command cannot forge (it does not know the nonce).
 *
 * Timeouts: job control (`set -m`) gives each command's processes their own process group, and
 * `__bots_pre` starts a watchdog job that, after SECONDS, kills every process the shell started
 * after the watchdog (found through /proc: the shell's children and their descendants) and
 * exits 0. Once it fires it ignores SIGTERM, so `__bots_post` (which sends SIGTERM to the
 * watchdog's group and waits for it) sees status 0 exactly when it fired, and reports 124. The shell and its earlier background jobs survive. A command that loops
 * in the shell itself (a builtin `while :; do :; done`) has no process to kill: the host then
 * kills and restarts the whole shell.
 */
export const SHELL_PRELUDE = `
exec 2>&1
set -m
set +o histexpand 2>/dev/null
__bots_cmd= __bots_n= __bots_w=
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
  __bots_n=$1; __bots_w=; __bots_cmd=
  IFS= read -r -d '' __bots_cmd
  if [ "$2" != 0 ]; then __bots_watchdog "$2" </dev/null & __bots_w=$!; fi
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
  printf '\\n__BOTS_DONE_%s:%s:%s\\n' "$__bots_n" "$rc" "$fired"
}
`;

/** The text that runs one command through the protocol. */
export function protocolMessage(nonce: string, command: string, timeoutMs: number): string {
  const seconds = timeoutMs > 0 ? (timeoutMs / 1000).toFixed(3) : '0';
  const body = command.endsWith('\n') ? command : `${command}\n`;
  return (
    `__bots_pre ${nonce} ${seconds} <<'__BOTS_EOF_${nonce}'\n` +
    body +
    `__BOTS_EOF_${nonce}\n` +
    `eval "$__bots_cmd" </dev/null\n` +
    `__bots_post $?\n`
  );
}

/**
 * The line that ends a command's output: `\n__BOTS_DONE_<nonce>:<exit code>:<1 if the watchdog
 * fired, else 0>\n`.
 */
export function sentinelPattern(nonce: string): RegExp {
  return new RegExp(`\\n__BOTS_DONE_${nonce}:(\\d+):([01])\\n`);
}
