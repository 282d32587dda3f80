"""Portable adapters: the folder names its base by hub id, carries its processor and a
model card, exports as is (or zipped), and merges into a plain MusicGen checkpoint."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from musiclab_desktop.training.model_card import write_model_card

from generation_kit import HUB_ID, fake_hub_cache, make_adapter, musiclab, register_adapter

# Loads the exported adapter as a stranger would: transformers and peft only.
STRANGER = f"""
import sys
from peft import PeftConfig, PeftModel
from transformers import AutoProcessor, MusicgenForConditionalGeneration
folder = sys.argv[1]
config = PeftConfig.from_pretrained(folder)
assert config.base_model_name_or_path == "{HUB_ID}", config.base_model_name_or_path
base = MusicgenForConditionalGeneration.from_pretrained(config.base_model_name_or_path)
model = PeftModel.from_pretrained(base, folder)
processor = AutoProcessor.from_pretrained(folder)
inputs = processor(text=["calm low sine tone"], padding=True, return_tensors="pt")
audio = model.generate(**inputs, do_sample=False, max_new_tokens=8)
assert not any(name.startswith("musiclab") for name in sys.modules)
print(type(processor).__name__, tuple(audio.shape))
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> Path:
    cache = tmp_path_factory.mktemp("hf-cache")
    fake_hub_cache(tiny_model_dir, cache)
    return cache


@pytest.fixture(scope="module")
def hub_adapter(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path, hub: Path
                ) -> Path:
    folder = tmp_path_factory.mktemp("hub-adapter") / "adapter"
    return make_adapter(tiny_model_dir, folder, 5, base_model=HUB_ID,
                        sample_prompts="calm low sine tone\nbright tone")


def hub_env(cache: Path) -> dict[str, str]:
    return {"HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}


def test_adapter_names_a_hub_base_by_id_and_a_local_base_by_folder(
        hub_adapter: Path, adapters: list[Path], tiny_model_dir: Path) -> None:
    config = json.loads((hub_adapter / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == HUB_ID
    local = json.loads((adapters[0] / "adapter_config.json").read_text())
    assert local["base_model_name_or_path"] == str(tiny_model_dir)


def test_model_card_says_what_the_adapter_is_and_is_rewritten_with_samples(
        hub_adapter: Path, tmp_path: Path) -> None:
    card = (hub_adapter / "README.md").read_text()
    assert card.startswith(f'---\nbase_model: "{HUB_ID}"\nlibrary_name: peft\n')
    for tag in ("musicgen", "lora", "text-to-audio"):
        assert f"  - {tag}\n" in card
    assert "| lora_r | 4 | 16 |" in card and "| learning_rate |" not in card
    assert "3 clips, 7.5 s of audio." in card and "- bright \\| tone" in card
    assert "- final loss: 3.25" in card and "- best loss: 3.1" in card
    assert "## Samples" not in card
    copy = tmp_path / "adapter"
    import shutil

    shutil.copytree(hub_adapter, copy)
    (copy / "samples").mkdir()
    (copy / "samples" / "sample-02-bright-tone.wav").write_bytes(b"RIFF")
    first = write_model_card(copy).read_text()
    assert "| bright tone | [samples/sample-02-bright-tone.wav]" in first
    assert write_model_card(copy).read_text() == first  # the same files, the same card
    (copy / "samples" / "sample-01-x.wav").write_bytes(b"RIFF")
    told = write_model_card(copy, samples=[("a caption of the dataset", "samples/sample-01-x.wav"),
                                           ("bright tone", "samples/sample-02-bright-tone.wav")]
                            ).read_text()
    assert "| a caption of the dataset | [samples/sample-01-x.wav]" in told
    assert write_model_card(copy).read_text() == told  # the prompts given are remembered


def test_exported_adapter_loads_with_only_transformers_and_peft(
        hub_adapter: Path, hub: Path, tmp_path: Path) -> None:
    adapter_id = register_adapter(tmp_path / "data", hub_adapter, HUB_ID)
    exported = tmp_path / "shipped"
    done = musiclab(tmp_path / "data", "adapters", "export", str(adapter_id), str(exported))
    assert done.returncode == 0, done.stderr
    assert {"adapter_config.json", "adapter_model.safetensors", "README.md",
            "tokenizer_config.json"} <= {p.name for p in exported.iterdir()}
    stranger = subprocess.run([sys.executable, "-c", STRANGER, str(exported)],
                              capture_output=True, text=True, timeout=300,
                              env={**hub_env(hub), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert stranger.returncode == 0, stranger.stderr[-3000:]
    assert stranger.stdout.split()[0] == "MusicgenProcessor"
    zipped = musiclab(tmp_path / "data", "adapters", "export", str(adapter_id),
                      str(tmp_path / "bundle"), "--zip", "--json")
    assert zipped.returncode == 0, zipped.stderr
    archive = Path(json.loads(zipped.stdout)["path"])
    assert archive.name == "bundle.zip"
    assert "adapter/adapter_config.json" in zipfile.ZipFile(archive).namelist()
    again = musiclab(tmp_path / "data", "adapters", "export", str(adapter_id), str(exported))
    assert again.returncode == 4 and b"not an empty folder" in again.stderr


def test_merged_checkpoint_gives_the_logits_of_base_plus_adapter(
        hub_adapter: Path, hub: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoProcessor, MusicgenForConditionalGeneration

    adapter_id = register_adapter(tmp_path / "data", hub_adapter, HUB_ID)
    merged_dir = tmp_path / "merged"
    done = musiclab(tmp_path / "data", "adapters", "merge", str(adapter_id), str(merged_dir),
                    **hub_env(hub))
    assert done.returncode == 0, done.stderr
    merged = MusicgenForConditionalGeneration.from_pretrained(str(merged_dir)).eval()
    base = MusicgenForConditionalGeneration.from_pretrained(str(tiny_model_dir))
    adapted = PeftModel.from_pretrained(base, str(hub_adapter)).eval()
    processor = AutoProcessor.from_pretrained(str(merged_dir))
    inputs = processor(text=["calm low sine tone"], padding=True, return_tensors="pt")
    codes = torch.randint(0, 2048, (4, 12), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = adapted(**inputs, decoder_input_ids=codes).logits
        got = merged(**inputs, decoder_input_ids=codes).logits
    # fp32 on the CPU: merging only reorders the same sums (W x + B A x vs (W + B A) x).
    assert torch.allclose(got, expected, atol=1e-4, rtol=1e-4)
    plain = MusicgenForConditionalGeneration.from_pretrained(str(tiny_model_dir)).eval()
    with torch.no_grad():
        bare = plain(**inputs, decoder_input_ids=codes).logits
    assert not torch.allclose(got, bare, atol=1e-2)  # the adapter is in there
    refused = musiclab(tmp_path / "data", "adapters", "merge", str(adapter_id), str(merged_dir))
    assert refused.returncode == 4 and b"not empty" in refused.stderr
