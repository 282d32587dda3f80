"""Regenerate the terminal corpus: real tqdm, rich and Python output captured from a pipe.

Each sample runs in a subprocess whose stdout and stderr go to one pipe, the way the
training worker's terminal stream is captured, and is stored byte for byte as
``<name>.bin``. Needs tqdm and rich (the training extra). Run from the repository root:

    python tests/data/terminal/make_corpus.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).parent

SAMPLES: dict[str, str] = {}

SAMPLES["tqdm_bars"] = """
import sys, time
from tqdm import tqdm
print("Preparing dataset: 240 clips, 32 kHz", flush=True)
for _ in tqdm(range(240), desc="Encoding clips", mininterval=0, miniters=1):
    time.sleep(0.0005)
for _ in tqdm(range(150), desc="Tokenizing captions", unit="caption", mininterval=0, ncols=100):
    time.sleep(0.0005)
bar = tqdm(total=300, desc="Training", unit="step", mininterval=0, ncols=120)
for step in range(300):
    bar.set_postfix(loss=f"{4.2 - step / 100:.4f}", lr="1.0e-04", refresh=False)
    bar.update(1)
    time.sleep(0.0005)
bar.close()
print("Saved adapter to outputs/run-1/adapter", flush=True)
"""

SAMPLES["tqdm_nested"] = """
import time
from tqdm import tqdm
for epoch in tqdm(range(3), desc="Epochs", position=0, mininterval=0):
    for step in tqdm(range(40), desc=f"Epoch {epoch + 1}", position=1, leave=False, mininterval=0):
        if step % 13 == 0:
            tqdm.write(f"epoch {epoch + 1} step {step}: loss={3.0 - epoch * 0.5 - step / 100:.3f}")
        time.sleep(0.0005)
print("done", flush=True)
"""

SAMPLES["rich_progress"] = """
import time
from rich.console import Console
from rich.progress import (BarColumn, Progress, SpinnerColumn, TaskProgressColumn,
                           TextColumn, TimeRemainingColumn)
console = Console(force_terminal=True, color_system="truecolor", width=90)
console.print("[bold cyan]MusicGen LoRA[/] fine-tuning on [green]my-dataset[/] (240 clips)")
columns = (SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
           TaskProgressColumn(), TimeRemainingColumn())
with Progress(*columns, console=console, refresh_per_second=60) as progress:
    encode = progress.add_task("Encoding audio", total=120)
    train = progress.add_task("Training", total=200)
    evaluate = progress.add_task("[magenta]Evaluating", total=50)
    for step in range(200):
        progress.advance(train)
        if step < 120:
            progress.advance(encode)
        if step % 4 == 0:
            progress.advance(evaluate)
        if step % 50 == 0:
            loss = 4 - step / 80
            progress.console.print(f"[yellow]checkpoint[/] step {step}: loss [bold]{loss:.3f}[/]")
        time.sleep(0.002)
console.print("[bold green]✓[/] training finished")
"""

SAMPLES["traceback_colour"] = """
import logging, sys
from rich.console import Console
logging.basicConfig(format="\\x1b[2m%(asctime)s\\x1b[0m %(levelname)s %(message)s",
                    level=logging.INFO)
logging.addLevelName(logging.ERROR, "\\x1b[1;31mERROR\\x1b[0m")
logging.addLevelName(logging.INFO, "\\x1b[32mINFO\\x1b[0m")
log = logging.getLogger("musiclab")
log.info("loading checkpoint facebook/musicgen-small")
def load_segment(index):
    samples = [0.1, 0.2]
    return samples[index]
def train_step(batch):
    return load_segment(batch * 3)
console = Console(force_terminal=True, color_system="256", width=100, stderr=True)
try:
    train_step(2)
except IndexError:
    console.print_exception(extra_lines=2, show_locals=True)
    log.error("step 12 failed, retrying with a smaller batch")
sys.stderr.flush()
train_step(5)
"""

SAMPLES["pip_install"] = """
import time
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.progress import TransferSpeedColumn
console = Console(force_terminal=True, color_system="truecolor", width=80)
packages = [("torch", "2.4.1", 797_200_000, "cp311-cp311-manylinux1_x86_64"),
            ("transformers", "4.46.3", 10_000_000, "py3-none-any"),
            ("peft", "0.13.2", 320_000, "py3-none-any"),
            ("soundfile", "0.12.1", 1_200_000, "py2.py3-none-manylinux_2_31_x86_64")]
for name, version, size, tag in packages:
    console.print(f"Collecting {name}=={version}")
    console.print(f"  Downloading {name}-{version}-{tag}.whl.metadata (26 kB)")
    console.print(f"Requirement already satisfied: filelock in ./venv/lib/python3.11/site-packages "
                  f"(from {name}=={version}) (3.16.1)", soft_wrap=True)
    console.print(f"Downloading {name}-{version}-{tag}.whl ({size / 1e6:.1f} MB)")
    columns = (TextColumn("  "), BarColumn(bar_width=40, complete_style="rgb(249,38,114)",
               finished_style="rgb(114,156,31)"), DownloadColumn(), TransferSpeedColumn(),
               TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=console, refresh_per_second=50) as progress:
        task = progress.add_task("", total=size)
        for _ in range(40):
            progress.advance(task, size / 40)
            time.sleep(0.003)
console.print("Installing collected packages: soundfile, peft, transformers, torch")
console.print("\\x1b[33mWARNING: The script torchrun is installed in '/home/user/.local/bin' "
              "which is not on PATH.\\x1b[0m", soft_wrap=True, markup=False, highlight=False)
console.print("Successfully installed peft-0.13.2 soundfile-0.12.1 torch-2.4.1 transformers-4.46.3")
console.print("\\x1b[1;31merror\\x1b[0m: \\x1b[1msubprocess-exited-with-error\\x1b[0m",
              markup=False, highlight=False)
"""

SAMPLES["transformers_warnings"] = """
import sys, time, warnings
from tqdm import tqdm
w = sys.stderr.write
for i in range(120):
    w(f"[WARNING|modeling_utils.py:{4200 + i}] 2025-01-01 12:00:{i % 60:02d},000 >> "
      "Some weights of MusicgenForConditionalGeneration were not initialized from the model "
      "checkpoint at facebook/musicgen-small and are newly initialized: "
      f"['lm_heads.{i % 4}.weight']\\n")
    w("You should probably TRAIN this model on a down-stream task to be able to use it for "
      "predictions and inference.\\n")
    if i % 10 == 0:
        w("\\x1b[33m/venv/lib/python3.11/site-packages/transformers/generation/utils.py:1375: "
          "UserWarning: Using the model-agnostic default `max_length` (=1503) to control the "
          "generation length.\\x1b[0m\\n  warnings.warn(\\n")
    if i % 40 == 0:
        for _ in tqdm(range(3), desc="Loading checkpoint shards", mininterval=0):
            time.sleep(0.002)
    sys.stderr.flush()
w("`torch_dtype` is deprecated! Use `dtype` instead!\\n")
"""

SAMPLES["sgr_styles"] = """
import sys
w = sys.stdout.write
w("\\x1b[1mbold\\x1b[22m \\x1b[3mitalic\\x1b[23m \\x1b[4munder\\x1b[24m \\x1b[7minverse\\x1b[27m "
  "\\x1b[9mstrike\\x1b[29m\\n")
w("".join(f"\\x1b[{30 + i}m{i}\\x1b[{90 + i}m{i}" for i in range(8)) + "\\x1b[0m\\n")
w("".join(f"\\x1b[38;5;{i}m#" for i in range(0, 256, 4)) + "\\x1b[0m\\n")
w("\\x1b[38;2;255;100;0mtruecolor\\x1b[0m \\x1b[38:2:0:200:255mcolon form\\x1b[0m "
  "\\x1b[38:2::10:20:30mwith colourspace\\x1b[0m \\x1b[48:5:22mbg 256\\x1b[0m "
  "\\x1b[4:3mcurly\\x1b[4:0m\\n")
w("tab\\tseparated\\tcolumns\\tline\\n")
w("\\x1b[44mblue background then erase\\x1b[K\\x1b[0m\\n")
w("overwrite this\\rOVER\\n")
w("backspace: abc\\b\\bX\\n")
w("cursor forward\\x1b[5Cfive\\x1b[3Dback\\n")
w("wrapping " + "0123456789" * 12 + "\\n")
w("caf\\u00e9 na\\u0303o combining \\u2500\\u2500\\u2524 box\\n")
for i in range(3):
    w(f"\\rprogress {i * 50:3d}% \\x1b[32m{'#' * (i * 5)}\\x1b[0m")
w("\\n\\x1b[?25lhidden cursor\\x1b[?25h\\n")
"""


def generate(name: str, code: str) -> None:
    # From a real file, so tracebacks can quote (and rich can highlight) the source.
    with tempfile.TemporaryDirectory(prefix="musiclab-corpus-") as folder:
        script = Path(folder) / "train_musicgen.py"
        script.write_text(textwrap.dedent(code), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, str(script)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=120,
        )
    (HERE / f"{name}.bin").write_bytes(result.stdout)
    print(f"{name}: {len(result.stdout)} bytes (exit {result.returncode})")


def main() -> None:
    for name, code in SAMPLES.items():
        generate(name, code)


if __name__ == "__main__":
    main()
