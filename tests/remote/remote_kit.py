"""Loopback services for the remote-run tests: an OpenSSH server and a one-node SLURM.

Everything listens on 127.0.0.1 only and lives in a temporary folder; daemons are
stopped by the pids in their pid files. When a service cannot start, the error says
why (the tests fail with it: they never skip silently).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SSH_ALIAS = "musiclab-loopback"


class ServiceError(RuntimeError):
    """A loopback service could not start; the message says why."""


@dataclass
class Daemon:
    name: str
    pid_file: Path

    def stop(self) -> None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)


@dataclass
class SshServer:
    port: int
    config: Path  # an ssh client config naming SSH_ALIAS
    known_hosts: Path
    host_key_pub: Path
    daemon: Daemon


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _need(program: str, package: str) -> str:
    path = shutil.which(program) or (program if os.path.exists(program) else None)
    if path is None:
        raise ServiceError(f"{program} is not installed (apt-get install -y {package}).")
    return path


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
                   check=True, capture_output=True)


def start_sshd(folder: Path, environment: dict[str, str] | None = None) -> SshServer:
    """sshd on 127.0.0.1, a test key, and a client config for ``SSH_ALIAS``.

    ``environment``: variables every session gets (sshd's SetEnv), e.g. SLURM_CONF.
    The known_hosts file starts empty: a test trusts the host key itself.
    """
    sshd = _need("/usr/sbin/sshd", "openssh-server")
    folder.mkdir(parents=True, exist_ok=True)
    host_key, client_key = folder / "host_key", folder / "client_key"
    _keygen(host_key)
    _keygen(client_key)
    authorized = folder / "authorized_keys"
    authorized.write_text((folder / "client_key.pub").read_text())
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    port = free_port()
    pid_file = folder / "sshd.pid"
    log = folder / "sshd.log"
    command = [sshd, "-p", str(port), "-o", "ListenAddress=127.0.0.1",
               "-o", f"HostKey={host_key}", "-o", f"AuthorizedKeysFile={authorized}",
               "-o", f"PidFile={pid_file}", "-o", "StrictModes=no",
               "-o", "PasswordAuthentication=no", "-o", "PermitRootLogin=prohibit-password",
               "-o", "UsePAM=no", "-E", str(log)]
    for key, value in (environment or {}).items():
        command += ["-o", f"SetEnv={key}={value}"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise ServiceError(f"sshd did not start: {result.stderr.strip() or log.read_text()}")
    _wait_for(lambda: _port_open(port), f"sshd on 127.0.0.1:{port}", log)
    known_hosts = folder / "known_hosts"
    known_hosts.touch()
    config = folder / "ssh_config"
    config.write_text(
        f"Host {SSH_ALIAS}\n  HostName 127.0.0.1\n  Port {port}\n  User {_user()}\n"
        f"  IdentityFile {client_key}\n  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {known_hosts}\n  GlobalKnownHostsFile /dev/null\n")
    return SshServer(port, config, known_hosts, folder / "host_key.pub",
                     Daemon("sshd", pid_file))


def trust_loopback(server: SshServer) -> None:
    """Write the server's own host key into the test known_hosts (what a user who
    checked the fingerprint would accept)."""
    key = server.host_key_pub.read_text().split()
    server.known_hosts.write_text(f"[127.0.0.1]:{server.port} {key[0]} {key[1]}\n")


def _user() -> str:
    import getpass

    return getpass.getuser()


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(ready, what: str, log: Path, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    text = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    raise ServiceError(f"{what} did not come up within {timeout_s:.0f} s: {text}")


# --- SLURM ------------------------------------------------------------------------


@dataclass
class SlurmCluster:
    conf: Path
    partition: str
    daemons: list[Daemon]

    def env(self) -> dict[str, str]:
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def command(self, *args: str) -> str:
        result = subprocess.run(list(args), env=self.env(), capture_output=True, text=True,
                                timeout=60)
        if result.returncode != 0:
            raise ServiceError(f"{' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def stop(self) -> None:
        for daemon in reversed(self.daemons):
            daemon.stop()


def start_slurm(folder: Path) -> SlurmCluster:
    """munged + slurmctld + slurmd, one node (this host), partition "debug"."""
    munged = _need("/usr/sbin/munged", "munge")
    slurmctld = _need("slurmctld", "slurm-wlm")
    slurmd = _need("slurmd", "slurm-wlm")
    folder.mkdir(parents=True, exist_ok=True)
    daemons: list[Daemon] = []
    try:
        socket_path = _start_munge(munged, folder / "munge", daemons)
        conf = _write_slurm_conf(folder, socket_path)
        for program, name in ((slurmctld, "slurmctld"), (slurmd, "slurmd")):
            result = subprocess.run([program, "-f", str(conf)], capture_output=True, text=True,
                                    env={**os.environ, "SLURM_CONF": str(conf)})
            if result.returncode != 0:
                raise ServiceError(f"{name} did not start: {result.stderr.strip()} "
                                   f"{_tail(folder / f'{name}.log')}")
            daemons.append(Daemon(name, folder / f"{name}.pid"))
        cluster = SlurmCluster(conf, "debug", daemons)
        _wait_for(lambda: _node_idle(cluster), "the SLURM node", folder / "slurmd.log", 30.0)
        return cluster
    except BaseException:
        for daemon in reversed(daemons):
            daemon.stop()
        raise


def _start_munge(munged: str, folder: Path, daemons: list[Daemon]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / "munge.key"
    key.write_bytes(os.urandom(1024))
    key.chmod(0o400)
    socket_path = folder / "munge.socket"
    pid_file = folder / "munged.pid"
    result = subprocess.run([munged, "--force", f"--key-file={key}", f"--socket={socket_path}",
                             f"--pid-file={pid_file}", f"--log-file={folder / 'munged.log'}",
                             f"--seed-file={folder / 'munged.seed'}"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise ServiceError(f"munged did not start: {result.stderr.strip()}")
    daemons.append(Daemon("munged", pid_file))
    _wait_for(socket_path.exists, "munged", folder / "munged.log")
    return socket_path


def _write_slurm_conf(folder: Path, munge_socket: Path) -> Path:
    host = socket.gethostname().split(".")[0]
    cpus = os.cpu_count() or 1
    memory_mib = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20 * 0.9)
    for sub in ("state", "spool"):
        (folder / sub).mkdir(exist_ok=True)
    conf = folder / "slurm.conf"
    conf.write_text("\n".join([
        "ClusterName=musiclab-test",
        f"SlurmctldHost={host}(127.0.0.1)",
        "SlurmUser=root", "SlurmdUser=root",
        f"SlurmctldPort={free_port()}", f"SlurmdPort={free_port()}",
        "AuthType=auth/munge", f"AuthInfo=socket={munge_socket}",
        "CredType=cred/munge",
        "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none",
        "SelectType=select/cons_tres", "SelectTypeParameters=CR_Core",
        "JobAcctGatherType=jobacct_gather/none", "MpiDefault=none", "ReturnToService=2",
        f"StateSaveLocation={folder / 'state'}", f"SlurmdSpoolDir={folder / 'spool'}",
        f"SlurmctldPidFile={folder / 'slurmctld.pid'}", f"SlurmdPidFile={folder / 'slurmd.pid'}",
        f"SlurmctldLogFile={folder / 'slurmctld.log'}", f"SlurmdLogFile={folder / 'slurmd.log'}",
        f"NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory_mib} State=UNKNOWN",
        f"PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP",
        "",
    ]))
    return conf


def _node_idle(cluster: SlurmCluster) -> bool:
    result = subprocess.run(["sinfo", "-h", "-o", "%t"], env=cluster.env(), capture_output=True,
                            text=True)
    return result.returncode == 0 and result.stdout.strip() in ("idle", "mix", "alloc")


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-1500:] if path.exists() else ""


@dataclass
class Loopback:
    """The services of one test session."""

    ssh: SshServer
    slurm: SlurmCluster
