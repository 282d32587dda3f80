"""Fixtures of the remote-run tests: sshd and a one-node SLURM on 127.0.0.1, the tiny
model, and run targets pointing at them (the remote Python is this test's Python)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from musiclab_desktop.runner.interpreter import build_tiny_model
from musiclab_desktop.runner.targets.model import Target, TargetKind
from musiclab_desktop.runner.targets.ssh import SSH_CONFIG_ENV_VAR

from remote_kit import SSH_ALIAS, Loopback, start_slurm, start_sshd, trust_loopback


@pytest.fixture(scope="session")
def loopback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loopback]:
    """Both services, started once; a failure to start fails the tests with its reason."""
    folder = tmp_path_factory.mktemp("loopback")
    slurm = start_slurm(folder / "slurm")
    try:
        ssh = start_sshd(folder / "ssh", {"SLURM_CONF": str(slurm.conf)})
    except BaseException:
        slurm.stop()
        raise
    trust_loopback(ssh)
    previous = os.environ.get(SSH_CONFIG_ENV_VAR)
    os.environ[SSH_CONFIG_ENV_VAR] = str(ssh.config)
    yield Loopback(ssh, slurm)
    if previous is None:
        os.environ.pop(SSH_CONFIG_ENV_VAR, None)
    else:
        os.environ[SSH_CONFIG_ENV_VAR] = previous
    ssh.daemon.stop()
    slurm.stop()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models") / "tiny-musicgen"
    build_tiny_model(sys.executable, folder)
    return folder


@pytest.fixture
def ssh_target(loopback: Loopback, tmp_path: Path) -> Target:
    return Target(name="loop", kind=TargetKind.SSH, host=SSH_ALIAS, python=sys.executable,
                  work_dir=str(tmp_path / "remote-work"))


@pytest.fixture
def slurm_target(loopback: Loopback, tmp_path: Path) -> Target:
    return Target(name="cluster", kind=TargetKind.SLURM, host=SSH_ALIAS, python=sys.executable,
                  work_dir=str(tmp_path / "cluster-work"), partition=loopback.slurm.partition,
                  gpus=0, time_limit="30:00")
