"""Copying a run to its target: the clips into a content-addressed cache, then the run.

Clips are stored remotely as ``WORK/cache/clips/<sha256><suffix>``: a clip already
there (from any earlier run, whatever its local name) is not copied again, so a second
run on the same dataset copies only its run spec. A transfer that breaks off leaves
nothing half-written in the cache: files arrive in a folder of their own and are moved
into the cache once the whole archive is in. The worker there caches the clips'
EnCodec codes beside them (``WORK/cache/codes``), so that second run encodes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import shlex
import subprocess
import tarfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from musiclab_desktop.core.errors import InvalidStateError
from musiclab_desktop.core.protocol import DATASET_FILE, RUN_SPEC_FILE, RunSpec
from musiclab_desktop.runner.targets.model import Target
from musiclab_desktop.runner.targets.remote_scripts import LAUNCH_FILE, launch_script
from musiclab_desktop.runner.targets.ssh import connection_problem, remote_command, run_remote

CACHE_DIR = "cache/clips"
CODES_CACHE_DIR = "cache/codes"  # the EnCodec codes of the cached clips, shared by runs
RUNS_DIR = "runs"
KEY_CACHE_FILE = ".clip-keys.json"
_HASH_CHUNK = 1 << 20

Say = Callable[[str], None]


@dataclass(frozen=True)
class Staged:
    remote_root: str  # the work folder, absolute
    remote_run_dir: str
    copied_files: int
    copied_bytes: int
    cached_files: int


def clip_key(path: Path) -> str:
    """The clip's name in the cache: its content's sha256 and its suffix."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(_HASH_CHUNK):
            digest.update(block)
    return digest.hexdigest() + path.suffix.lower()


class KeyCache:
    """Clip keys remembered by (path, size, modification time), so a second run on the
    same dataset reads no clip again to hash it. Kept in a JSON file; a file that
    cannot be read or written only costs the hashing."""

    def __init__(self, file: Path) -> None:
        self._file = file
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        self._keys: dict[str, list[object]] = loaded if isinstance(loaded, dict) else {}
        self._changed = False

    def key(self, path: Path) -> str:
        info = path.stat()
        known = self._keys.get(str(path))
        if known is not None and known[:2] == [info.st_size, info.st_mtime_ns]:
            return str(known[2])
        key = clip_key(path)
        self._keys[str(path)] = [info.st_size, info.st_mtime_ns, key]
        self._changed = True
        return key

    def save(self) -> None:
        if not self._changed:
            return
        temporary = self._file.with_name(self._file.name + ".tmp")
        try:
            temporary.write_text(json.dumps(self._keys), encoding="utf-8")
            temporary.replace(self._file)
        except OSError:
            pass


def remote_run_name(run_id: int, local_folder: Path) -> str:
    return f"run-{run_id}-{local_folder.name}"


def stage(target: Target, spec_path: Path, say: Say | None = None) -> Staged:
    """Copy what the run needs to the target; the remote run folder's path."""
    say = say or (lambda _message: None)
    spec = RunSpec.load(spec_path)
    folder = spec_path.parent
    root = _prepare_folders(target, remote_run_name(spec.run_id, folder))
    remote_run_dir = f"{root}/{RUNS_DIR}/{remote_run_name(spec.run_id, folder)}"
    entries = _manifest(Path(spec.dataset_path))
    # Beside the run folders (the data folder's runs/): one cache for all runs.
    cache = KeyCache(folder.parent / KEY_CACHE_FILE)
    keys = {str(entry["path"]): cache.key(Path(str(entry["path"]))) for entry in entries}
    cache.save()
    missing = _missing(target, root, set(keys.values()))
    say(f"Staging {len(keys)} clips to {target.name}: {len(missing)} to copy, "
        f"{len(set(keys.values())) - len(missing)} already there")
    upload = {key: Path(path) for path, key in keys.items() if key in missing}
    copied = _upload_clips(target, root, upload)
    remote_entries = [{**entry, "path": f"{root}/{CACHE_DIR}/{keys[str(entry['path'])]}"}
                      for entry in entries]
    remote_spec = RunSpec(**{**spec.__dict__, "dataset_path": f"{remote_run_dir}/{DATASET_FILE}",
                             "output_dir": remote_run_dir})
    _upload_run_files(target, remote_run_dir, {
        RUN_SPEC_FILE: json.dumps(remote_spec.__dict__, indent=2).encode(),
        DATASET_FILE: "".join(json.dumps(e) + "\n" for e in remote_entries).encode(),
        LAUNCH_FILE: launch_script(target.python, gpus=target.gpus,
                                   sbatch_lines=_sbatch_lines(target),
                                   modules=target.modules,
                                   codes_cache=f"{root}/{CODES_CACHE_DIR}").encode(),
    })
    return Staged(root, remote_run_dir, len(upload), copied, len(set(keys.values())) - len(missing))


def _sbatch_lines(target: Target) -> list[str]:
    from musiclab_desktop.runner.targets.model import TargetKind

    return list(target.sbatch_lines) if target.kind is TargetKind.SLURM else []


def _prepare_folders(target: Target, run_name: str) -> str:
    work = target.work_dir
    # A leading ~/ is the remote home: leave it unquoted so the remote shell expands it.
    quoted = ("~/" + shlex.quote(work[2:])) if work.startswith("~/") else shlex.quote(work)
    script = (f"mkdir -p {quoted}/{CACHE_DIR} {quoted}/{RUNS_DIR}/{shlex.quote(run_name)} "
              f"&& cd {quoted} && pwd")
    result = run_remote(target, script)
    if result.code != 0:
        raise InvalidStateError(f"Staging failed: cannot create the work folder {work} on "
                                f"'{target.name}': {result.stderr.strip()}")
    return result.stdout.decode().strip()


def _manifest(dataset_path: Path) -> list[dict[str, object]]:
    lines = dataset_path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _missing(target: Target, root: str, keys: set[str]) -> set[str]:
    """The keys the remote cache does not hold yet."""
    if not keys:
        return set()
    script = (f"cd {shlex.quote(root)}/{CACHE_DIR} && "
              'while read -r name; do [ -f "$name" ] || echo "$name"; done')
    result = run_remote(target, script, stdin="".join(k + "\n" for k in sorted(keys)).encode())
    if result.code != 0:
        raise InvalidStateError(f"Staging failed: cannot list the clip cache on "
                                f"'{target.name}': {result.stderr.strip()}")
    return set(result.stdout.decode().split()) & keys


def _upload_clips(target: Target, root: str, files: dict[str, Path]) -> int:
    if not files:
        return 0
    incoming = f"{root}/cache/incoming-$$"
    script = (f"mkdir -p {incoming} && tar -x -f - -C {incoming} && "
              f"mv -f {incoming}/* {shlex.quote(root)}/{CACHE_DIR}/ && rmdir {incoming}")
    return _send_tar(target, script, ((key, path) for key, path in files.items()))


def _upload_run_files(target: Target, run_dir: str, files: dict[str, bytes]) -> None:
    script = f"mkdir -p {shlex.quote(run_dir)} && tar -x -f - -C {shlex.quote(run_dir)}"
    process = _open_ssh(target, script)
    assert process.stdin is not None
    with tarfile.open(fileobj=process.stdin, mode="w|") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755 if name == LAUNCH_FILE else 0o644
            archive.addfile(info, io.BytesIO(data))
    _finish(target, process, "the run spec")


def _send_tar(target: Target, script: str, files: Iterable[tuple[str, Path]]) -> int:
    process = _open_ssh(target, script)
    assert process.stdin is not None
    total = 0
    try:
        with tarfile.open(fileobj=process.stdin, mode="w|") as archive:
            for name, path in files:
                archive.add(str(path), arcname=name, recursive=False)
                total += path.stat().st_size
    except BrokenPipeError:
        pass  # the remote side ended early: _finish says why
    _finish(target, process, "the clips")
    return total


def _open_ssh(target: Target, script: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(remote_command(target, script), stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(target: Target, process: subprocess.Popen[bytes], what: str) -> None:
    try:
        if process.stdin is not None:
            process.stdin.close()
    except BrokenPipeError:
        pass
    stderr = (process.stderr.read() if process.stderr else b"").decode("utf-8", "replace")
    code = process.wait()
    if code == 255:
        raise InvalidStateError("Staging failed: " + connection_problem(target, stderr))
    if code != 0:
        hint = " (is the disk or quota full?)" if "space" in stderr or "quota" in stderr else ""
        raise InvalidStateError(f"Staging failed: copying {what} to '{target.name}' "
                                f"stopped{hint}: {stderr.strip()[-300:]}")
