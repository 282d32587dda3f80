"""MusicLab Desktop: fine-tune MusicGen with LoRA on your own machine."""

__version__ = "0.1.0"
