"""Samples: what listening to a run costs. Prints one section per figure.

    python benchmarks/samples.py                           # every section
    python benchmarks/samples.py --section sampling-share  # one of them
    python benchmarks/samples.py --shape musicgen-small    # also the published shapes

Section ``sampling-share``: the share of a run's wall-clock time spent sampling with
the default sample settings (two prompts of ``sample_seconds``, guidance 3, top-k 250,
the automatic schedule: see training/sample_schedule.py).

- demo: ``musiclab demo``'s experiment trained for real by the worker (a subprocess, tiny
  model, CPU), as it is (the demo asks for a round per epoch) and with the automatic
  schedule. Timed: the whole worker run, start to exit; the worker's last lines say how
  long its sampling rounds took (the base reference, the rounds during training, the end).
- musicgen-small: facebook/musicgen-small's architecture with random weights (nothing
  downloaded). Timed in this process: one optimiser step of the default batch (2 clips
  x 30 s, 8 accumulated micro-batches) and one sampling round (two prompts of 8 s with
  guidance). Where that is too slow (a CPU), fewer micro-batches, shorter segments and
  fewer generated frames are timed and scaled up linearly, which the output says. The
  run is then played through the schedule for a few dataset sizes (4 epochs, no loading
  or encoding time counted, which overstates the share).

Section ``picture``: decode + waveform envelope (800 columns) + log-frequency
spectrogram (400 columns x 96 bands) of a 30 s, 32 kHz stereo WAV, the work the Samples
view does per sample (target < 80 ms). Once on this thread (median of ``--repeats``),
then ``--repeats`` of them in one ui/ops.py QueryOp on the pool thread (as the view
reads a run's samples) while a 1 ms probe timer runs on the GUI thread: the worst stall
is the longest gap between probe ticks less 1 ms (target < 16 ms), printed beside the
worst stall of the same probe with nothing running (what the machine's load costs).

Section ``first-buffer``: from Play to the audio sink's first read of PCM (the first
buffer handed to the device) with the sample decoded ahead, as when it was selected
before Play, and that plus decoding (Play on a sample not decoded yet); target < 100 ms.
Needs Qt Multimedia (PySide6-Addons) and an audio output device: without them it says so
and times what runs without a device (decoding, PCM conversion, creating the player).

Prints figures only: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

SHAPES = ("tiny", "musicgen-small")
_SUMMARY = re.compile(
    r"Sampling took ([\d.]+) s of the run's ([\d.]+) s \(([\d.]+) %\); "
    r"during training ([\d.]+) s"
)


# --- sampling share: the demo ---------------------------------------------------------


def demo_run(folder: Path, overrides: dict[str, Any]) -> dict[str, Any]:
    """Train the demo experiment once with the worker; its timing figures."""
    import numpy as np
    import soundfile

    from musiclab_desktop.core import protocol
    from musiclab_desktop.core.demo import _clips, demo_config
    from musiclab_desktop.training.tiny_model import build_tiny_musicgen

    model_dir = folder / "tiny"
    if not model_dir.is_dir():
        build_tiny_musicgen(model_dir)
    clips = folder / "clips"
    clips.mkdir(exist_ok=True)
    rows = []
    for name, caption, signal in _clips():
        path = clips / name
        soundfile.write(
            str(path), (0.6 * signal / np.max(np.abs(signal))).astype("float32"), 32_000
        )
        rows.append(
            {
                "path": str(path),
                "duration": len(signal) / 32_000,
                "sample_rate": 32_000,
                "channels": 1,
                "description": caption,
            }
        )
    dataset = clips / protocol.DATASET_FILE
    dataset.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    run_dir = Path(tempfile.mkdtemp(dir=folder))
    spec = protocol.RunSpec(
        1,
        "run-1",
        1,
        "demo",
        {**demo_config(model_dir), **overrides},
        str(dataset),
        str(run_dir / "output"),
    )
    spec.save(run_dir / protocol.RUN_SPEC_FILE)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "musiclab_desktop.training", str(run_dir / protocol.RUN_SPEC_FILE)],
        capture_output=True,
        env=env,
        timeout=900,
        check=False,
    )
    wall = time.perf_counter() - began
    terminal = done.stderr.decode("utf-8", "replace")
    found = _SUMMARY.search(terminal)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"the demo run failed:\n{terminal[-2000:]}")
    steps = sorted(
        {
            json.loads(line)["step"]
            for line in done.stdout.decode().splitlines()
            if line.startswith('{"type": "sample"')
        }
    )
    return {
        "wall": wall,
        "sampling": float(found[1]),
        "worker": float(found[2]),
        "during": float(found[4]),
        "rounds": len(steps),
        "steps": steps,
    }


def demo_share_lines(folder: Path) -> Iterator[str]:
    for label, overrides in (
        ("demo as created", {}),
        ("demo, automatic schedule", {"sample_every_steps": 0}),
    ):
        figures = demo_run(folder, overrides)
        share, during = (100 * figures[key] / figures["wall"] for key in ("sampling", "during"))
        yield (
            f"{label:<26} run {figures['wall']:6.1f} s (worker {figures['worker']:.1f} s), "
            f"sampling {figures['sampling']:5.1f} s = {share:4.1f} % "
            f"(during training {during:4.1f} %); "
            f"rounds at steps {figures['steps']}"
        )


# --- sampling share: published shapes -------------------------------------------------


def _timed(action: Callable[[], Any], device: Any) -> float:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)
    began = time.perf_counter()
    action()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - began


def shape_costs(shape: str, tiny_dir: Path, device: Any, quick: bool) -> dict[str, Any]:
    """Seconds per default optimiser step and per default sampling round, for ``shape``
    (``quick``: time less and scale up linearly)."""
    import torch
    from transformers import AutoProcessor

    from musiclab_desktop.core.config import TrainingConfig
    from musiclab_desktop.training.batching import BatchBuilder
    from musiclab_desktop.training.hardware import pick_precision
    from musiclab_desktop.training.model_loading import add_lora, prepare_musicgen
    from musiclab_desktop.training.sampling import GenerationSettings, generate_sample
    from musiclab_desktop.training.schedule import make_optimizer, make_scheduler
    from musiclab_desktop.training.segments import Segment
    from musiclab_desktop.training.step import TrainStep, set_train_mode

    sys.path.insert(0, str(Path(__file__).parent))
    from train_throughput import build_model, fake_clips

    defaults = TrainingConfig()
    precision = pick_precision("auto", device)
    processor = AutoProcessor.from_pretrained(str(tiny_dir))
    loaded = prepare_musicgen(build_model(shape, tiny_dir, device), processor, device, precision)
    torch.manual_seed(0)
    model = add_lora(loaded.model, defaults)
    set_train_mode(model)
    optimizer = make_optimizer((p for p in model.parameters() if p.requires_grad), defaults, device)
    step = TrainStep(
        model,
        optimizer,
        make_scheduler(optimizer, defaults, 100),
        precision,
        defaults.max_grad_norm,
        device,
    )
    seconds = 5.0 if quick else defaults.segment_seconds
    micro = 2 if quick else defaults.gradient_accumulation_steps
    frames = int(seconds * loaded.frame_rate)
    batch = defaults.batch_size
    builder = BatchBuilder(
        fake_clips(batch, frames, loaded.num_codebooks, seed=1),
        processor.tokenizer,
        model.get_base_model().decoder,  # type: ignore[arg-type]  # peft's untyped base
        loaded.pad_token_id,
    )
    segments = [Segment(i, 0, frames) for i in range(batch)]
    step.run([builder.build(segments)])  # warm-up
    timed = _timed(lambda: step.run([builder.build(segments) for _ in range(micro)]), device)
    scale = (defaults.segment_seconds / seconds) * (defaults.gradient_accumulation_steps / micro)
    step_s = timed * scale

    gen_seconds = 1.0 if quick else defaults.sample_seconds
    settings = GenerationSettings(
        gen_seconds,
        defaults.sample_guidance_scale,
        defaults.sample_top_k,
        defaults.sample_temperature,
    )
    generate_sample(model, loaded, "warm up", GenerationSettings(0.2), precision, seed=0)
    one = _timed(
        lambda: generate_sample(
            model, loaded, "calm piano melody with soft strings", settings, precision, seed=1
        ),
        device,
    )
    round_s = 2 * one * (defaults.sample_seconds / gen_seconds)
    note = (
        f"timed {micro} micro-batches of {batch} x {seconds:g} s and {gen_seconds:g} s of "
        f"audio per prompt, scaled up linearly"
        if quick
        else "timed at full size"
    )
    return {
        "step_s": step_s,
        "round_s": round_s,
        "note": note,
        "precision": precision.name,
        "device": device.type,
    }


def simulated_share(
    step_s: float, round_s: float, steps_per_epoch: int, epochs: int = 4
) -> tuple[float, float, list[int]]:
    """(share of all rounds, share of the rounds during training, steps sampled) of a run
    played through the automatic schedule with these costs."""
    from musiclab_desktop.training.sample_schedule import SampleSchedule

    now = [0.0]
    total = steps_per_epoch * epochs
    plan = SampleSchedule(
        every_steps=0,
        save_every_steps=0,
        steps_per_epoch=steps_per_epoch,
        total_steps=total,
        started=0.0,
        clock=lambda: now[0],
    )
    now[0] += round_s
    plan.note_round(0, round_s)
    plan.training_starts(0)
    taken = []
    for step in range(1, total + 1):
        now[0] += step_s
        if plan.due(step):
            now[0] += round_s
            plan.note_round(step, round_s)
            taken.append(step)
    now[0] += round_s
    plan.note_round(total, round_s)
    return plan.spent / now[0], plan.spent_in_training / now[0], taken


def shape_share_lines(shape: str, tiny_dir: Path, device_name: str) -> Iterator[str]:
    from musiclab_desktop.core.config import TrainingConfig
    from musiclab_desktop.training.hardware import pick_device

    device = pick_device(device_name)
    costs = shape_costs(shape, tiny_dir, device, quick=device.type == "cpu")
    defaults = TrainingConfig()
    clips_per_step = defaults.batch_size * defaults.gradient_accumulation_steps
    yield (
        f"{shape} on {costs['device']} ({costs['precision']}): "
        f"{costs['step_s']:.1f} s per step of {clips_per_step} x 30 s, "
        f"{costs['round_s']:.1f} s per round of 2 x {defaults.sample_seconds:g} s "
        f"({costs['note']})"
    )
    for clips in (50, 200, 1000):
        per_epoch = -(-clips // clips_per_step)
        share, during, taken = simulated_share(costs["step_s"], costs["round_s"], per_epoch)
        yield (
            f"  {clips:>5} clips of 30 s, 4 epochs ({4 * per_epoch} steps): sampling "
            f"{100 * share:4.1f} % of the run (during training {100 * during:4.1f} %), "
            f"{len(taken)} round(s) between the base and the end at {taken[:8]}"
            f"{'...' if len(taken) > 8 else ''}"
        )


def sampling_share_section(args: argparse.Namespace) -> Iterator[str]:
    """Lines as they are measured (a musicgen-small run on a CPU takes minutes)."""
    from musiclab_desktop.training.tiny_model import build_tiny_musicgen

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        yield from demo_share_lines(folder)
        if "musicgen-small" in args.shape:
            tiny_dir = build_tiny_musicgen(folder / "tokenizer")  # its tokenizer serves both
            yield from shape_share_lines("musicgen-small", tiny_dir, args.device)


# --- the Samples view: drawing a sample, starting playback -------------------------------

CLIP_SECONDS = 30.0
CLIP_RATE = 32_000
PICTURE_TARGET_MS = 80.0
STALL_TARGET_MS = 16.0
FIRST_BUFFER_TARGET_MS = 100.0
PROBE_MS = 1


def write_clip(folder: Path) -> Path:
    """A 30 s stereo clip: a chord with some noise."""
    import numpy as np
    import soundfile

    t = np.arange(int(CLIP_SECONDS * CLIP_RATE)) / CLIP_RATE
    rng = np.random.default_rng(1)
    left = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 330 * t)
    right = 0.3 * np.sin(2 * np.pi * 277 * t) + 0.05 * rng.standard_normal(len(t))
    path = folder / "clip.wav"
    soundfile.write(str(path), np.stack([left, right], axis=1), CLIP_RATE, subtype="PCM_16")
    return path


def median_ms(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def _verdict(value: float, target: float) -> str:
    return f"target < {target:.0f} ms: {'ok' if value < target else 'OVER'}"


def picture_section(args: argparse.Namespace) -> list[str]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from musiclab_desktop.core.audio_view import envelope, load_audio, spectrogram
    from musiclab_desktop.ui.ops import QueryOp, wait_for_ops
    from musiclab_desktop.ui.samples.loading import SPECTROGRAM_COLUMNS, WAVEFORM_COLUMNS

    repeats = args.repeats
    with tempfile.TemporaryDirectory() as name:
        clip = write_clip(Path(name))

        def draw() -> object:
            audio = load_audio(clip)
            return envelope(audio, WAVEFORM_COLUMNS), spectrogram(audio, SPECTROGRAM_COLUMNS)

        draw()  # warm: numpy's FFT, libsndfile loaded
        decode = median_ms(lambda: load_audio(clip), repeats)
        total = median_ms(draw, repeats)
        lines = [
            f"decode {decode:.1f} ms; decode + envelope + spectrogram {total:.1f} ms "
            f"(median of {repeats}; {_verdict(total, PICTURE_TARGET_MS)})"
        ]
        app = QApplication.instance() or QApplication([])
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append((now - last[0]) * 1000 - PROBE_MS)
            last[0] = now

        probe = QTimer()
        probe.setInterval(PROBE_MS)
        probe.timeout.connect(tick)
        # The same probe with nothing else running: what this machine's load alone costs.
        probe.start()
        idle_until = time.perf_counter() + 0.5
        while time.perf_counter() < idle_until:
            app.processEvents()
        probe.stop()
        idle_worst = max(gaps[1:], default=0.0)
        gaps.clear()
        last[0] = time.perf_counter()
        done: list[float] = []
        holder = QTimer()  # the ops' parent
        start = time.perf_counter()
        probe.start()
        # As the Samples view reads a run: one op drawing the samples one after another.
        QueryOp(holder, op=lambda: [draw() for _ in range(repeats)],
                success=lambda _r: done.append(0.0)).run_in_background()
        while not done:
            app.processEvents()
        probe.stop()
        wait_for_ops()
    wall = (time.perf_counter() - start) * 1000
    worst = max(gaps[1:], default=0.0)
    lines.append(
        f"{repeats} pictures in one op on the pool thread in {wall:.0f} ms; worst GUI stall "
        f"{worst:.1f} ms over {len(gaps)} probe ticks "
        f"({_verdict(worst, STALL_TARGET_MS)}); with nothing running, {idle_worst:.1f} ms"
    )
    return lines


def first_buffer_section(args: argparse.Namespace) -> list[str]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from musiclab_desktop.core.audio_view import load_audio, pcm16
    from musiclab_desktop.ui.samples.player import QtAudioPlayer, create_player

    repeats = args.repeats
    app = QApplication.instance() or QApplication([])
    start = time.perf_counter()
    player = create_player()
    created = (time.perf_counter() - start) * 1000
    with tempfile.TemporaryDirectory() as name:
        clip = write_clip(Path(name))
        decode = median_ms(lambda: load_audio(clip), repeats)
        audio = load_audio(clip)
    pcm = median_ms(lambda: pcm16(audio.frames), repeats)
    lines = [
        f"create the player (import Qt Multimedia, find the output device) {created:.1f} ms",
        f"decode the 30 s clip {decode:.1f} ms; float -> 16-bit PCM {pcm:.1f} ms",
    ]
    if not isinstance(player, QtAudioPlayer):
        return [*lines, f"no Play -> first buffer figure here: {player.unavailable_reason()}"]
    delays = []
    for number in range(repeats):
        player.load(number, audio)
        player.play()
        deadline = time.perf_counter() + 2.0
        while player.first_buffer_delay() is None and time.perf_counter() < deadline:
            app.processEvents()
        delay = player.first_buffer_delay()
        player.stop()
        if delay is not None:
            delays.append(delay * 1000)
    if not delays:
        return [*lines, "the device never asked for audio within 2 s"]
    middle = sorted(delays)[len(delays) // 2]
    with_decode = middle + decode + pcm
    return [
        *lines,
        f"Play -> first buffer {middle:.1f} ms decoded ahead (median of {len(delays)}; "
        f"{_verdict(middle, FIRST_BUFFER_TARGET_MS)}); {with_decode:.1f} ms with decoding",
    ]


# name: (what it prints, the function that measures it)
SECTIONS: dict[str, tuple[str, Callable[[argparse.Namespace], Iterable[str]]]] = {
    "sampling-share": (
        "share of a run's time spent sampling, default settings",
        sampling_share_section,
    ),
    "picture": (
        "waveform + spectrogram of a 30 s 32 kHz stereo clip, off the GUI thread",
        picture_section,
    ),
    "first-buffer": ("time from Play to the first audio buffer", first_buffer_section),
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed."
    )
    parser.add_argument(
        "--section",
        action="append",
        choices=sorted(SECTIONS),
        help="only this section (repeatable; default: all)",
    )
    parser.add_argument(
        "--shape",
        action="append",
        choices=SHAPES,
        help="model shapes for sampling-share (default: tiny, the demo; "
        "add musicgen-small for the published shapes)",
    )
    parser.add_argument("--device", default="auto", choices=("auto", "cuda", "mps", "cpu"))
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="runs per figure of picture and first-buffer (median)",
    )
    args = parser.parse_args()
    args.shape = args.shape or ["tiny"]
    return args


def main() -> None:
    warnings.filterwarnings("ignore", category=FutureWarning)
    args = parse_args()
    for name in args.section or list(SECTIONS):
        title, measure = SECTIONS[name]
        print(f"== {name}: {title}")
        for line in measure(args):
            print(line, flush=True)


if __name__ == "__main__":
    main()
