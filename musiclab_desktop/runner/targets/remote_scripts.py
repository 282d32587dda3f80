"""The small programs that run on the target: the launch wrapper and the file reader.

The wrapper (bash) starts the worker with its terminal and events going to files in
the remote run folder, records the worker's pid and, once it ends, its exit code. It
stays the worker's parent, so the worker's owner watch (training/owner_watch.py) sees
no owner die when the ssh connection drops; a SIGTERM to the wrapper (SLURM's
``scancel --batch``) is passed on to the worker, which checkpoints and stops.

The reader (Python, run by the target's Python from stdin) sends both files from
given byte offsets as framed chunks (``T <n>\\n`` + n terminal bytes, ``E <n>\\n`` +
n event bytes), ``H 0`` as a heartbeat, and ``X <code>`` once the worker has ended and
both files are sent in full (``X lost`` when the wrapper died without an exit code).
"""

from __future__ import annotations

import shlex

TERMINAL_FILE = "terminal.log"
EVENTS_FILE = "events.jsonl"
EXIT_FILE = "exit_code"
WORKER_PID_FILE = "worker.pid"
WRAPPER_PID_FILE = "wrapper.pid"
LAUNCH_FILE = "launch.sh"
WRAPPER_LOG = "wrapper.log"
LOST = "lost"


def launch_script(python: str, *, gpus: int = 1, sbatch_lines: list[str] | None = None,
                  modules: list[str] | None = None, codes_cache: str = "") -> str:
    """The wrapper script, run in the remote run folder (``cd`` over ssh, sbatch's
    ``--chdir``: under SLURM the script itself runs from a spool copy elsewhere).
    ``gpus`` > 1 runs the worker under torchrun. ``codes_cache``: the target's shared
    EnCodec code cache (training/codes_cache.py), so runs there encode each clip once."""
    header = ["#!/bin/bash"] + [f"#SBATCH {line.strip()}" for line in sbatch_lines or []]
    loads = [f"module load {shlex.quote(module)}" for module in modules or []]
    worker = f"{python} -m musiclab_desktop.training run.json"
    if gpus > 1:
        worker = (f"{python} -m torch.distributed.run --standalone --nproc_per_node={gpus} "
                  "-m musiclab_desktop.training run.json")
    return "\n".join([
        *header,
        "echo $$ > wrapper.pid",
        *loads,
        "export PYTHONUNBUFFERED=1 PYTHONIOENCODING=utf-8",
        *([f"export MUSICLAB_CODES_CACHE={shlex.quote(codes_cache)}"] if codes_cache else []),
        f"{worker} > {EVENTS_FILE} 2> {TERMINAL_FILE} < /dev/null &",
        "pid=$!",
        f"echo $pid > {WORKER_PID_FILE}.tmp && mv {WORKER_PID_FILE}.tmp {WORKER_PID_FILE}",
        "caught=0",
        "trap 'caught=1; kill -TERM $pid 2>/dev/null' TERM",
        # wait returns early when the trap runs: wait again for the worker's own code.
        "while :; do caught=0; wait $pid; code=$?; [ $caught = 1 ] || break; done",
        f"echo $code > {EXIT_FILE}.tmp && mv {EXIT_FILE}.tmp {EXIT_FILE}",
        "",
    ])


READER = r'''
import os, sys, time
folder, offsets = sys.argv[1], [int(sys.argv[2]), int(sys.argv[3])]
check_pid = sys.argv[4] == "1"
names = [("T", "terminal.log"), ("E", "events.jsonl")]
out = sys.stdout.buffer
last_beat = time.monotonic()

def alive(pid_file):
    try:
        pid = int(open(os.path.join(folder, pid_file)).read())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True

def send_new():
    sent = False
    for index, (tag, name) in enumerate(names):
        try:
            with open(os.path.join(folder, name), "rb") as f:
                f.seek(offsets[index])
                data = f.read(1 << 20)
        except FileNotFoundError:
            continue
        if data:
            out.write(b"%s %d\n" % (tag.encode(), len(data)) + data)
            offsets[index] += len(data)
            sent = True
    return sent

while True:
    ended = os.path.exists(os.path.join(folder, "exit_code"))
    wrapper = alive("wrapper.pid")
    if send_new():
        out.flush()
        continue
    if ended:
        code = open(os.path.join(folder, "exit_code")).read().strip() or "1"
        out.write(b"X %s\n" % code.encode())
        out.flush()
        break
    if check_pid and wrapper is False and not os.path.exists(os.path.join(folder, "exit_code")):
        out.write(b"X lost\n")
        out.flush()
        break
    if time.monotonic() - last_beat > 2:
        out.write(b"H 0\n")
        out.flush()
        last_beat = time.monotonic()
    time.sleep(0.05)
'''


def reader_command(python: str, run_dir: str, terminal_offset: int, events_offset: int,
                   *, check_pid: bool) -> str:
    """Shell command running the reader (its source comes on stdin). ``check_pid``:
    the wrapper runs on the machine the reader runs on (not so on a SLURM node)."""
    return " ".join([shlex.quote(python), "-u", "-", shlex.quote(run_dir),
                     str(terminal_offset), str(events_offset), "1" if check_pid else "0"])
