"""``musiclab targets ...`` against the loopback sshd: unknown host keys, check, and a
``runs start --target`` run from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from musiclab_desktop.core.library import Library
from musiclab_desktop.core.status import RunStatus
from musiclab_desktop.runner.targets.ssh import SSH_CONFIG_ENV_VAR

from remote_kit import SSH_ALIAS, Loopback
from remote_run_kit import TINY_RUN

pytestmark = [pytest.mark.remote]
MUSICLAB = str(Path(sys.executable).with_name("musiclab"))


@pytest.fixture
def fresh_client(loopback: Loopback, tmp_path: Path) -> dict[str, str]:
    """An environment whose ssh knows no host key yet, and whose settings are empty."""
    known = tmp_path / "known_hosts"
    known.touch()
    config = tmp_path / "ssh_config"
    config.write_text(loopback.ssh.config.read_text().replace(
        str(loopback.ssh.known_hosts), str(known)))
    return {**os.environ, SSH_CONFIG_ENV_VAR: str(config),
            "XDG_CONFIG_HOME": str(tmp_path / "settings"),
            "MUSICLAB_DATA_DIR": str(tmp_path / "data")}


def musiclab(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MUSICLAB, *args], env=env, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


def test_an_unknown_host_shows_its_fingerprint_and_the_user_decides(
        fresh_client: dict[str, str], loopback: Loopback, tmp_path: Path) -> None:
    added = musiclab(fresh_client, "targets", "add", "loop", "--host", SSH_ALIAS,
                     "--python", sys.executable, "--work-dir", str(tmp_path / "work"))
    assert added.returncode == 0, added.stderr
    refused = musiclab(fresh_client, "targets", "check", "loop")
    assert refused.returncode == 4
    assert "musiclab targets trust loop" in refused.stderr

    expected = subprocess.run(["ssh-keygen", "-lf", str(loopback.ssh.host_key_pub)],
                              capture_output=True, text=True, check=True).stdout.split()[1]
    asked = musiclab(fresh_client, "targets", "trust", "loop")
    assert asked.returncode == 4 and expected in asked.stderr  # shown, not trusted
    known = Path(fresh_client[SSH_CONFIG_ENV_VAR]).with_name("known_hosts")
    assert known.read_text() == ""

    trusted = musiclab(fresh_client, "targets", "trust", "loop", "--yes")
    assert trusted.returncode == 0, trusted.stderr
    checked = musiclab(fresh_client, "targets", "check", "loop", "--json")
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["executable"] == sys.executable
    assert report["python"] == sys.version.split()[0]
    assert report["torch"] and report["train_extra_installed"] is True


@pytest.mark.slow
def test_runs_start_on_a_target_from_the_command_line(
        loopback: Loopback, tmp_path: Path, make_clips, tiny_model: Path) -> None:
    env = {**os.environ, SSH_CONFIG_ENV_VAR: str(loopback.ssh.config),
           "XDG_CONFIG_HOME": str(tmp_path / "settings"),
           "MUSICLAB_DATA_DIR": str(tmp_path / "cli-data")}
    library = Library.open(tmp_path / "cli-data")
    try:
        dataset = library.datasets.import_folder(make_clips(count=3, seconds=2.5)).dataset
        experiment = library.experiments.create(
            "cli remote", dataset_id=dataset.id,
            config={**TINY_RUN, "base_model": str(tiny_model)})
    finally:
        library.close()
    assert musiclab(env, "targets", "add", "loop", "--host", SSH_ALIAS, "--python",
                    sys.executable, "--work-dir", str(tmp_path / "work")).returncode == 0
    typo = musiclab(env, "runs", "start", str(experiment.id), "--target", "nope")
    assert typo.returncode == 3 and "no run target named 'nope'" in typo.stderr
    done = musiclab(env, "runs", "start", str(experiment.id), "--target", "loop", "--wait",
                    "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    library = Library.open(tmp_path / "cli-data")
    try:
        runs = library.runs.list(experiment.id)
        finished = [run for run in runs if run.status == RunStatus.COMPLETED]
        assert len(finished) == 1 and finished[0].target == "loop"
        assert finished[0].adapter_id is not None
        assert b"step" in library.telemetry.read_log(finished[0].id)
    finally:
        library.close()
