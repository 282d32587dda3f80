"""The training worker: MusicGen + LoRA fine-tuning as a subprocess.

Run it as ``python -m musiclab_desktop.training RUN_SPEC_JSON``. This package is the
only place that imports torch, transformers and peft; importing the package itself
stays light (the heavy modules load only when training starts).
"""
