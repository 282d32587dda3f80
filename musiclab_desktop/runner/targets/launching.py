"""Starting the staged worker on its target, asking the scheduler, and stopping it."""

from __future__ import annotations

import shlex
import subprocess
import tarfile
from pathlib import Path

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.runner.targets.model import Target, TargetKind
from musiclab_desktop.runner.targets.remote_scripts import (
    EXIT_FILE,
    LAUNCH_FILE,
    WORKER_PID_FILE,
    WRAPPER_LOG,
    WRAPPER_PID_FILE,
)
from musiclab_desktop.runner.targets.ssh import remote_command, run_remote

# SLURM job states in which the job still runs or waits (squeue's %T).
SLURM_WAITING = {"PENDING", "CONFIGURING", "REQUEUED", "RESV_DEL_HOLD", "REQUEUE_HOLD",
                 "SUSPENDED"}


def launch_detached(target: Target, run_dir: str) -> int:
    """Start the wrapper in a session of its own on an SSH target; the worker's pid."""
    folder = shlex.quote(run_dir)
    script = (f"cd {folder} && rm -f {EXIT_FILE} {WORKER_PID_FILE} {WRAPPER_PID_FILE} && "
              f"(setsid bash {LAUNCH_FILE} > {WRAPPER_LOG} 2>&1 < /dev/null &) && "
              f"for i in $(seq 200); do [ -s {WORKER_PID_FILE} ] && cat {WORKER_PID_FILE} "
              "&& exit 0; sleep 0.05; done; "
              f"cat {WRAPPER_LOG} >&2; exit 1")
    result = run_remote(target, script, timeout_s=60)
    if result.code != 0:
        raise InvalidStateError(f"The worker did not start on '{target.name}': "
                                f"{result.stderr.strip()[-300:] or 'no pid written'}")
    return int(result.stdout.split()[0])


def submit(target: Target, run_dir: str, run_id: int) -> str:
    """sbatch the wrapper on a SLURM target; the job id."""
    folder = shlex.quote(run_dir)
    options = [f"--job-name=musiclab-{run_id}", f"--output={run_dir}/slurm.out",
               f"--chdir={run_dir}", "--parsable"]
    if target.partition:
        options.append(f"--partition={target.partition}")
    if target.time_limit:
        options.append(f"--time={target.time_limit}")
    if target.gpus > 0:
        options.append(f"--gpus={target.gpus}")
    quoted = " ".join(shlex.quote(option) for option in options)
    script = f"cd {folder} && rm -f {EXIT_FILE} && sbatch {quoted} {LAUNCH_FILE}"
    result = run_remote(target, script, timeout_s=60)
    if result.code != 0:
        reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise InvalidStateError(f"The SLURM cluster '{target.name}' refused the job: {reason} "
                                "(check the partition, GPUs per run and time limit in the "
                                "target's settings).")
    return result.stdout.decode().strip().split(";")[0]


def job_state(target: Target, job_id: str) -> tuple[str, str] | None:
    """(state, reason) of a queued or running job; None once it left the queue."""
    result = run_remote(target, f"squeue -h -j {shlex.quote(job_id)} -o '%T|%r'", timeout_s=60)
    line = result.stdout.decode().strip()
    if result.code != 0 or not line:
        return None
    state, _, reason = line.partition("|")
    return state, reason


def send_cancel(target: Target, run_dir: str, job_id: str | None) -> None:
    """SIGTERM to the remote worker (through the wrapper under SLURM)."""
    if target.kind is TargetKind.SLURM and job_id:
        quoted = shlex.quote(job_id)
        script = (f'state=$(squeue -h -j {quoted} -o %T); if [ "$state" = PENDING ]; then '
                  f"scancel {quoted}; else scancel --batch --signal=TERM {quoted}; fi")
    else:
        pid_file = shlex.quote(f"{run_dir}/{WORKER_PID_FILE}")
        script = f"kill -TERM $(cat {pid_file})"
    run_remote(target, script, timeout_s=60)


def fetch_results_script(run_dir: str) -> str:
    """Shell command writing a tar of the run's results (whichever exist) to stdout."""
    return (f"cd {shlex.quote(run_dir)} && "
            "ls -d adapter samples checkpoints 2>/dev/null | tar -c -f - -T -")


def fetch_results(target: Target, run_dir: str, folder: Path) -> None:
    """Copy the run's adapter, samples and checkpoints back into the local ``folder``."""
    process = subprocess.Popen(remote_command(target, fetch_results_script(run_dir)),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None
    try:
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            archive.extractall(folder, filter="data")
    except (tarfile.ReadError, OSError) as exc:
        process.kill()
        process.wait()
        raise InvalidStateError(f"Fetch failed: the results could not be copied back from "
                                f"'{target.name}': {exc}") from None
    if process.wait() not in (0, 1):  # 1: nothing to fetch (a run cancelled early)
        stderr = process.stderr.read().decode() if process.stderr else ""
        raise InvalidStateError(f"Fetch failed from '{target.name}': {stderr.strip()}")


def wait_for_end(target: Target, run_dir: str, job_id: str | None, seconds: float) -> bool:
    """Wait (on the target) until the worker has written its exit code, or its SLURM job
    left the queue; False when ``seconds`` passed first."""
    gone = ""
    if target.kind is TargetKind.SLURM and job_id:
        gone = f'[ -z "$(squeue -h -j {shlex.quote(job_id)} 2>/dev/null)" ] && exit 0; '
    tries = max(1, int(seconds / 0.5))
    script = (f"cd {shlex.quote(run_dir)} && for i in $(seq {tries}); do "
              f"[ -f {EXIT_FILE} ] && exit 0; {gone}sleep 0.5; done; exit 1")
    return run_remote(target, script, timeout_s=seconds + 60).code == 0
