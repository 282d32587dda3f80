"""Generation: the warm worker against a bare transformers + peft ``generate()`` script.

Builds a model folder (the tiny MusicGen, or facebook/musicgen-small's shapes with random
weights: nothing is downloaded) and two LoRA adapters of it (random weights, saved by the
app's own save_adapter), then prints:

- cold start to first audio: from starting ``python -m musiclab_desktop.generation`` to
  the first ``take_ready`` event of a request with adapter 1 (process start, torch
  import, base load, adapter load, one decode, WAV write);
- a request with another adapter (its first use): its wall time (request written to
  ``generation_done`` read) minus the wall time of the same request sent again right after
  (the adapter now warm), i.e. the overhead of bringing in an adapter beyond the decode
  itself (target < 1 s; median over ``--rounds`` adapters, each a copy of adapter 2 in a
  folder of its own, so each is new to the worker), and whether the base was loaded again
  (target: no, one ``base_loaded`` event for all of them);
- decode tokens per second: the worker (the warm take's ``decode_seconds``: its
  ``generate()`` call, as the worker timed it) against a bare script in a fresh
  interpreter that loads base + adapter with transformers and peft, keeps the same
  precision (frozen weights bf16 on a bf16 GPU, fp32 otherwise) and times
  ``generate()`` for the same tokens after one untimed call
  (target >= 0.95x); best of ``--rounds``. The rest of a warm request (tokenizing,
  the WAV file, the events) is printed as the request's overhead beyond its decode.

    python benchmarks/generate.py                         # tiny model, CPU
    python benchmarks/generate.py --shape musicgen-small  # published shapes, GPU

On the CPU both processes use ``--threads`` threads (1 by default: a shared machine's
spare cores come and go), and each figure is also given in CPU seconds (the worker's
from /proc, the bare script's from ``time.process_time``): wall times on a shared
machine mostly measure the other processes. Prints figures only: nothing here asserts
a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BARE_SCRIPT = r"""
import json, sys, time
import torch
from peft import PeftModel
from transformers import AutoProcessor, MusicgenForConditionalGeneration
base_dir, adapter_dir, device, tokens, rounds, prompt = sys.argv[1:7]
tokens, rounds = int(tokens), int(rounds)
device = torch.device(device)
bf16 = device.type == "cuda" and torch.cuda.is_bf16_supported()
model = MusicgenForConditionalGeneration.from_pretrained(base_dir)
if bf16:  # as the worker: frozen weights bf16, EnCodec fp32, autocast bf16
    model.text_encoder.to(torch.bfloat16); model.decoder.to(torch.bfloat16)
    model.enc_to_dec_proj.to(torch.bfloat16)
model = PeftModel.from_pretrained(model.to(device), adapter_dir).eval()
processor = AutoProcessor.from_pretrained(base_dir)
inputs = processor(text=[prompt], padding=True, return_tensors="pt").to(device)
def run():
    with torch.no_grad(), torch.autocast(device.type, torch.bfloat16, enabled=bf16):
        model.generate(**inputs, do_sample=True, guidance_scale=3.0, max_new_tokens=tokens)
    if device.type == "cuda":
        torch.cuda.synchronize()
run()
best = best_cpu = float("inf")
for _ in range(rounds):
    started, cpu = time.perf_counter(), time.process_time()
    run()
    best = min(best, time.perf_counter() - started)
    best_cpu = min(best_cpu, time.process_time() - cpu)
print(json.dumps({"seconds": best, "cpu_seconds": best_cpu}))
"""

DEFAULT_SECONDS = {"tiny": 4.0, "musicgen-small": 10.0}
PROMPT = "lofi hip hop beat with vinyl crackle and mellow chords"


def build_folder(shape: str, root: Path) -> Path:
    """The model folder the worker loads: the tiny model, or musicgen-small's shapes."""
    from musiclab_desktop.training.tiny_model import build_tiny_musicgen

    tiny = build_tiny_musicgen(root / "tiny")
    if shape == "tiny":
        return tiny
    import torch
    from transformers import MusicgenForConditionalGeneration

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from train_throughput import musicgen_small_config

    folder = root / "musicgen-small-shaped"
    model = MusicgenForConditionalGeneration(musicgen_small_config())
    model.generation_config.pad_token_id = 2048
    model.generation_config.decoder_start_token_id = 2048
    model.save_pretrained(folder)
    for file in tiny.iterdir():  # the tiny tokenizer: its ids fit T5-base's vocabulary
        if "token" in file.name or "processor" in file.name or "preprocessor" in file.name:
            shutil.copy(file, folder / file.name)
    del model
    torch.cuda.empty_cache()
    return folder


def make_adapter(model_dir: Path, out: Path, seed: int) -> Path:
    import torch

    from musiclab_desktop.core.config import TrainingConfig
    from musiclab_desktop.training.hardware import Precision
    from musiclab_desktop.training.model_loading import add_lora, load_musicgen
    from musiclab_desktop.training.saving import save_adapter

    loaded = load_musicgen(model_dir, torch.device("cpu"), Precision("fp32", "cpu"))
    config = TrainingConfig(base_model=str(model_dir))
    torch.manual_seed(seed)
    model = add_lora(loaded.model, config)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:
                parameter.normal_(0.0, 0.02)
    info = {"base_model": str(model_dir), "base_model_path": str(model_dir),
            "config": config.to_dict()}
    return save_adapter(model, out, info, loaded.processor)


def thread_env(threads: int) -> dict[str, str]:
    from musiclab_desktop.runner.interpreter import worker_environment

    env = worker_environment()
    if threads > 0:
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    return env


class Worker:
    def __init__(self, device: str, threads: int) -> None:
        from musiclab_desktop.runner.generation_client import generation_command

        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            generation_command(sys.executable, 0, device), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=thread_env(threads))
        self.events: list[Any] = []

    def cpu_seconds(self) -> float:
        """User + system CPU time of the worker so far (Linux; 0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def request(self, request: Any) -> dict[str, Any]:
        """Send ``request``; wall times to its first take and to its end, its done event."""
        from musiclab_desktop.core import protocol

        assert self.process.stdin is not None and self.process.stdout is not None
        sent, cpu = time.perf_counter(), self.cpu_seconds()
        self.process.stdin.write((request.to_json() + "\n").encode())
        self.process.stdin.flush()
        first_take, decode = None, 0.0
        for line in self.process.stdout:
            event = protocol.Event.from_json(line)
            if event is None:
                continue
            self.events.append(event)
            if isinstance(event, protocol.TakeReadyEvent) and first_take is None:
                first_take = time.perf_counter()
                decode = event.decode_seconds
            elif isinstance(event, protocol.GenerationErrorEvent):
                raise SystemExit(f"the worker refused the request: {event.message}")
            elif isinstance(event, protocol.GenerationDoneEvent):
                return {"sent": sent, "first_take": first_take, "done": time.perf_counter(),
                        "worker_seconds": event.seconds, "cpu": self.cpu_seconds() - cpu,
                        "decode": decode}
        raise SystemExit("the worker exited before it finished")

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def bare_seconds(model_dir: Path, adapter: Path, device: str, tokens: int, rounds: int,
                 threads: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", BARE_SCRIPT, str(model_dir), str(adapter),
                           device, str(tokens), str(rounds), PROMPT],
                          capture_output=True, text=True, check=True, env=thread_env(threads))
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the module docstring for what is timed.")
    parser.add_argument("--shape", choices=("tiny", "musicgen-small"), default="tiny")
    parser.add_argument("--seconds", type=float, help="audio per take (tiny 4, small 10)")
    parser.add_argument("--device", default="auto", choices=("auto", "cuda", "cpu"))
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds, best counts")
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads of both processes on the CPU (0: torch's default)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    import torch

    from musiclab_desktop.core import protocol

    device = args.device if args.device != "auto" else (
        "cuda" if torch.cuda.is_available() else "cpu")
    seconds = args.seconds or DEFAULT_SECONDS[args.shape]
    with tempfile.TemporaryDirectory(prefix="musiclab-generate-bench-") as temp:
        root = Path(temp)
        model_dir = build_folder(args.shape, root)
        adapters = [make_adapter(model_dir, root / "adapter-1", 1),
                    make_adapter(model_dir, root / "adapter-2", 2)]
        for n in range(3, args.rounds + 2):  # new to the worker, one per round
            adapters.append(Path(shutil.copytree(adapters[1], root / f"adapter-{n}")))

        def request(name: str, adapter: Path) -> protocol.GenerationRequest:
            return protocol.GenerationRequest(
                request_id=name, prompts=[PROMPT], out_dir=str(root / "out" / name),
                adapter_dir=str(adapter), seconds=seconds, seed=1)

        threads = args.threads if device == "cpu" else 0
        worker = Worker(device, threads)
        cold = worker.request(request("cold", adapters[0]))
        overheads, cpu_overheads, warm = [], [], []
        for n, adapter in enumerate(adapters[1:]):
            first_use = worker.request(request(f"new-{n}", adapter))
            warm.append(worker.request(request(f"warm-{n}", adapter)))
            overheads.append((first_use["done"] - first_use["sent"])
                             - (warm[-1]["done"] - warm[-1]["sent"]))
            cpu_overheads.append(first_use["cpu"] - warm[-1]["cpu"])
        worker.close()
        loads = [e for e in worker.events if isinstance(e, protocol.BaseLoadedEvent)]
        added = [e for e in worker.events if isinstance(e, protocol.AdapterLoadedEvent)]
        tokens = round(seconds * 50) + 3
        bare = bare_seconds(model_dir, adapters[1], device, tokens, args.rounds, threads)

    worker_decode = min(r["decode"] for r in warm)
    request_overhead = min(r["done"] - r["sent"] - r["decode"] for r in warm)
    overheads.sort()
    cpu_overheads.sort()
    worker_cpu = min(r["cpu"] for r in warm)
    print(f"shape {args.shape}, device {device}, {seconds:g} s per take ({tokens} tokens)")
    print(f"cold start to first audio          {cold['first_take'] - worker.started:8.2f} s "
          f"(base load {loads[0].seconds:.2f} s)")
    print(f"another adapter: overhead beyond   {overheads[len(overheads) // 2]:8.2f} s median, "
          f"{overheads[0]:.2f} s best of {len(overheads)} (target < 1 s; adapter load "
          f"{min(e.seconds for e in added[1:]):.3f} s)")
    print(f"base loads for {len(added)} adapters          {len(loads):8d}    (target 1)")
    print(f"decode tokens/s: worker            {tokens / worker_decode:8.1f}")
    print(f"decode tokens/s: bare generate()   {tokens / bare['seconds']:8.1f}")
    print(f"worker / bare                      {bare['seconds'] / worker_decode:8.2f} x "
          "(target >= 0.95)")
    print(f"warm request beyond its decode     {request_overhead:8.2f} s (tokenize, WAV, events)")
    if device == "cpu":
        print(f"in CPU seconds: another adapter    {cpu_overheads[len(cpu_overheads) // 2]:8.2f} s "
              "median overhead")
        print(f"in CPU seconds: worker / bare      {bare['cpu_seconds'] / worker_cpu:8.2f} x "
              f"({worker_cpu:.2f} s against {bare['cpu_seconds']:.2f} s per take)")


if __name__ == "__main__":
    main()
