"""The generation worker as the app runs it: a real subprocess, the tiny MusicGen,
three adapters switched on one loaded base."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from musiclab_desktop.core import protocol

from generation_kit import Worker, is_audible, read_wav, request


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path,
            adapters: list[Path]) -> Iterator[tuple[Worker, dict[str, protocol.TakeReadyEvent]]]:
    """One warm worker answering: adapter 1, the base, adapters 2 and 3, adapter 1 again."""
    out = tmp_path_factory.mktemp("generations")
    worker = Worker()
    worker.until(protocol.GenerationReadyEvent)
    plan = {
        "a1": request("a1", out, adapter=adapters[0]),
        "base": request("base", out, base=str(tiny_model_dir)),
        "a2": request("a2", out, adapter=adapters[1]),
        "a3": request("a3", out, adapter=adapters[2]),
        "a1-again": request("a1-again", out, adapter=adapters[0]),
    }
    takes = {}
    for name, sent in plan.items():
        worker.send(sent)
        takes[name] = worker.until(protocol.TakeReadyEvent, request_id=sent.request_id)
        worker.until(protocol.GenerationDoneEvent, request_id=sent.request_id)
    yield worker, takes
    assert worker.close() == 0


def test_adapter_and_base_give_different_audible_takes(session: tuple[Worker, dict]) -> None:
    _worker, takes = session
    adapter, base = read_wav(takes["a1"].path), read_wav(takes["base"].path)
    assert is_audible(takes["a1"].path) and is_audible(takes["base"].path)
    assert adapter.shape == base.shape
    assert not np.array_equal(adapter, base)
    assert takes["a1"].seed == takes["base"].seed == 7
    assert takes["a1"].sample_rate == 32_000 and takes["a1"].seconds == pytest.approx(1.0, abs=0.05)


def test_the_same_request_twice_gives_the_same_audio(session: tuple[Worker, dict]) -> None:
    _worker, takes = session
    assert Path(takes["a1"].path) != Path(takes["a1-again"].path)
    assert np.array_equal(read_wav(takes["a1"].path), read_wav(takes["a1-again"].path))


def test_three_adapters_share_one_base_load(session: tuple[Worker, dict],
                                            adapters: list[Path]) -> None:
    worker, takes = session
    loads = worker.of_type(protocol.BaseLoadedEvent)
    assert [event.loads for event in loads] == [1]
    added = [Path(event.adapter_dir) for event in worker.of_type(protocol.AdapterLoadedEvent)]
    assert added == adapters  # each once: adapter 1's second use only switched back
    assert len({read_wav(takes[name].path).tobytes() for name in ("a1", "a2", "a3")}) == 3


def test_bad_requests_get_a_sentence_and_the_worker_keeps_serving(
        session: tuple[Worker, dict], tmp_path: Path, adapters: list[Path]) -> None:
    worker, _takes = session
    worker.send(request("gone", tmp_path, adapter=tmp_path / "no-such-adapter"))
    gone = worker.until(protocol.GenerationErrorEvent)
    assert gone.request_id == "gone" and "does not exist" in gone.message
    worker.send(request("long", tmp_path, adapter=adapters[1], seconds=90))
    long = worker.until(protocol.GenerationErrorEvent)
    assert "positions" in long.message and "at most" in long.message
    worker.send(request("empty", tmp_path, adapter=adapters[1], prompts=("  ",)))
    assert "empty" in worker.until(protocol.GenerationErrorEvent).message
    worker.send("this is not json")
    assert "JSON" in worker.until(protocol.GenerationErrorEvent).message
    assert "Traceback" not in worker.terminal.decode("utf-8", "replace")


def test_cancel_stops_a_take_midway(session: tuple[Worker, dict], tmp_path: Path,
                                    adapters: list[Path]) -> None:
    worker, _takes = session
    worker.send(request("slow", tmp_path, adapter=adapters[2], seconds=30, takes=2))
    first = worker.until(protocol.GenerationProgressEvent, request_id="slow")
    assert first.total_tokens > 1000 and first.count == 2
    worker.send(protocol.cancel_request("slow"))
    cancelled = worker.until(protocol.GenerationCancelledEvent, request_id="slow")
    assert cancelled.takes == 0
    progress = [e.tokens for e in worker.of_type(protocol.GenerationProgressEvent)
                if e.request_id == "slow"]
    assert max(progress) < first.total_tokens
    assert not (tmp_path / "slow").exists()  # nothing half-written


def test_an_idle_worker_exits_on_its_own_and_on_stdin_closing() -> None:
    idle = Worker(idle_timeout_s=0.5)
    ready = idle.until(protocol.GenerationReadyEvent, timeout=60)
    assert ready.idle_timeout_s == 0.5
    assert idle.until(protocol.GenerationExitEvent, timeout=60).reason == "idle"
    assert idle.process.wait(timeout=30) == 0
    closed = Worker()
    closed.until(protocol.GenerationReadyEvent, timeout=60)
    assert closed.process.stdin is not None
    closed.process.stdin.close()  # the app quit (or died)
    assert closed.until(protocol.GenerationExitEvent, timeout=60).reason == "eof"
    assert closed.process.wait(timeout=30) == 0


def test_an_adapter_of_another_base_reloads_the_base(
        tmp_path: Path, tiny_model_dir: Path, adapters: list[Path]) -> None:
    import shutil

    from generation_kit import make_adapter

    other_base = Path(shutil.copytree(tiny_model_dir, tmp_path / "other-base"))
    other = make_adapter(other_base, tmp_path / "other-adapter", 4)
    worker = Worker()
    worker.send(request("first", tmp_path, adapter=adapters[0]))
    worker.until(protocol.GenerationDoneEvent, request_id="first")
    worker.send(request("other", tmp_path, adapter=other))
    worker.until(protocol.GenerationDoneEvent, request_id="other")
    loads = worker.of_type(protocol.BaseLoadedEvent)
    assert [(Path(event.path), event.loads) for event in loads] == [
        (tiny_model_dir, 1), (other_base, 2)]
    assert worker.close() == 0
