"""A/B takes for the screenshot scene: what a Generate request would have made,
synthesized (no worker, no torch). Not used by the app itself."""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.core import protocol
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.records import AdapterRecord
from musiclab_desktop.core.services.generations import GenerationTarget
from musiclab_desktop.ui.generate.panel import BASE_LABEL, GeneratePanel
from musiclab_desktop.ui.generate.takes_model import Take
from musiclab_desktop.ui.samples.demo_samples import RATE, SECONDS, _clip

PROMPTS = ["lofi piano with vinyl crackle", "mellow rhodes chords, slow"]


def show_demo_takes(panel: GeneratePanel, library: Library, adapter: AdapterRecord) -> None:
    import soundfile

    panel.prompts_edit.setPlainText("\n".join(PROMPTS))
    panel.ab_check.setChecked(True)
    panel.seconds_spin.setValue(SECONDS)
    panel.seed_spin.setValue(1234)
    target = GenerationTarget(adapter.base_model, adapter.id, adapter.path, adapter.name)
    for adapter_off, label, step in ((False, adapter.name, 300), (True, BASE_LABEL, 0)):
        request = library.generations.new_request(target, PROMPTS, seconds=SECONDS, seed=1234,
                                                  adapter_off=adapter_off)
        for index, prompt in enumerate(request.prompts):
            path = Path(request.out_dir) / f"p{index + 1:02d}-t01.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            soundfile.write(str(path), _clip(index, step, adapter.id), RATE, subtype="PCM_16")
            event = protocol.TakeReadyEvent(request.request_id, index, prompt, 0, 1234, str(path),
                                            SECONDS, RATE, adapter.base_model,
                                            None if adapter_off else adapter.path)
            record = library.generations.record_take(request, None if adapter_off else adapter.id,
                                                     event)
            panel.model.add(Take(record, label))
    panel.progress.setValue(1000)
    panel.status.setText(f"4 take(s) ready, saved under {library.generations.folder}.")
    panel.results.setCurrentIndex(panel.model.index(0))
