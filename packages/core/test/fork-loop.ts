/** A fork loop bounded in count and time (ENVIRONMENT.md): it stops where the pids limit holds. */
export const FORK_LOOP = `timeout -s KILL 40 python3 -c '
import os, signal, time
n = 0
try:
    for i in range(3000):
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        n += 1
    print("started all", n, flush=True)
except OSError as error:
    print("fork failed after", n, "children:", error.strerror, flush=True)
os.killpg(0, signal.SIGKILL)
'`;
