"""Commands on a target over the user's own OpenSSH client.

Authentication is the user's ssh (agent, keys, ~/.ssh/config); nothing here stores a
password or turns host-key checking off. ``BatchMode=yes`` makes ssh fail instead of
asking on a terminal nobody sees; an unknown host key then fails with a message that
:func:`host_key_problem` recognises, and ``musiclab targets trust`` shows the key's
fingerprint so the user decides. ``MUSICLAB_SSH_CONFIG`` names an ssh config file to
use instead of ~/.ssh/config (the tests point it at a loopback server's config).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.runner.targets.model import Target

SSH_CONFIG_ENV_VAR = "MUSICLAB_SSH_CONFIG"
CONNECT_TIMEOUT_S = 15
_HOST_KEY_SIGNS = ("Host key verification failed", "REMOTE HOST IDENTIFICATION HAS CHANGED",
                   "No ED25519 host key is known", "host key is known for")


def ssh_base(target: Target) -> list[str]:
    """``ssh [options] destination`` for ``target`` (a command follows)."""
    destination, port = target.ssh_destination
    command = ["ssh", "-o", "BatchMode=yes", "-o", f"ConnectTimeout={CONNECT_TIMEOUT_S}",
               "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"]
    config = os.environ.get(SSH_CONFIG_ENV_VAR)
    if config:
        command += ["-F", config]
    if port:
        command += ["-p", port]
    return [*command, "--", destination]


def remote_command(target: Target, script: str) -> list[str]:
    """ssh argv running ``script`` in the remote login shell (``sh -c``-quoted)."""
    return [*ssh_base(target), "sh -c " + shlex.quote(script)]


@dataclass(frozen=True)
class Result:
    code: int
    stdout: bytes
    stderr: str


def run_remote(target: Target, script: str, *, stdin: bytes | None = None,
               timeout_s: float = 120.0) -> Result:
    """Run ``script`` on the target; a connection or host-key failure raises."""
    try:
        done = subprocess.run(remote_command(target, script), input=stdin,
                              capture_output=True, timeout=timeout_s,
                              stdin=None if stdin is not None else subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise InvalidStateError("The ssh command is not installed here; install OpenSSH's "
                                "client to use run targets.") from exc
    except subprocess.TimeoutExpired as exc:
        raise InvalidStateError(f"The run target '{target.name}' did not answer within "
                                f"{timeout_s:.0f} s.") from exc
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode == 255:
        raise InvalidStateError(connection_problem(target, stderr))
    return Result(done.returncode, done.stdout, stderr)


def connection_problem(target: Target, stderr: str) -> str:
    """One sentence naming the target and the fix, from ssh's own complaint."""
    if host_key_problem(stderr):
        return (f"The run target '{target.name}' ({target.host}) has a host key this machine "
                f"does not know; check it with `musiclab targets trust {target.name}`.")
    last = (stderr.strip().splitlines() or ["no answer"])[-1]
    return (f"Cannot connect to the run target '{target.name}' ({target.host}): {last}. "
            "Check that `ssh " + target.ssh_destination[0] + "` works in a terminal.")


def host_key_problem(stderr: str) -> bool:
    return any(sign in stderr for sign in _HOST_KEY_SIGNS)


# --- host keys ------------------------------------------------------------------


@dataclass(frozen=True)
class HostKeys:
    """What ssh would connect to, and the keys the server offers."""

    hostname: str
    port: int
    known_hosts: Path
    keys: list[str]  # lines as ssh-keyscan prints them
    fingerprints: list[str]  # ssh-keygen -lf lines, one per key


def effective_config(target: Target) -> dict[str, str]:
    """``ssh -G``: the options ssh would use (resolves aliases, ports, files)."""
    base = ssh_base(target)
    command = [base[0], "-G", *base[1:]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise InvalidStateError(f"ssh cannot read its configuration for '{target.host}': "
                                f"{done.stderr.strip()}")
    options: dict[str, str] = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(" ")
        options.setdefault(key.lower(), value)
    return options


def scan_host_keys(target: Target) -> HostKeys:
    options = effective_config(target)
    hostname, port = options.get("hostname", target.host), int(options.get("port", "22"))
    known = Path(os.path.expanduser(options.get("userknownhostsfile", "~/.ssh/known_hosts")
                                    .split()[0]))
    scan = subprocess.run(["ssh-keyscan", "-p", str(port), "-T", "10", hostname],
                          capture_output=True, text=True, timeout=60)
    keys = [line for line in scan.stdout.splitlines() if line and not line.startswith("#")]
    if not keys:
        raise InvalidStateError(f"The run target '{target.name}' ({hostname}:{port}) offers "
                                "no host key: is its ssh server running?")
    printed = subprocess.run(["ssh-keygen", "-lf", "-"], input="\n".join(keys) + "\n",
                             capture_output=True, text=True, timeout=30)
    return HostKeys(hostname, port, known, keys, printed.stdout.strip().splitlines())


def trust_host_keys(found: HostKeys) -> None:
    """Add the scanned keys to the user's known_hosts (after the user said yes)."""
    found.known_hosts.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with found.known_hosts.open("a", encoding="utf-8") as file:
        for line in found.keys:
            host, _, key = line.partition(" ")
            if found.port != 22:
                host = f"[{found.hostname}]:{found.port}"
            file.write(f"{host} {key}\n")
