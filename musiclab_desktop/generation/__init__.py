"""The generation worker: a long-lived process that keeps a base MusicGen warm.

``python -m musiclab_desktop.generation`` runs in the training interpreter (it imports
torch, transformers and peft; the GUI and the CLI only talk to it, see
runner/generation_client.py). Requests arrive as JSON lines on stdin, events leave on
the event channel (core/protocol.py). Adapters are added to the loaded base with peft's
``load_adapter`` and switched with ``set_adapter`` / ``disable_adapter``, so trying many
adapters of one base loads the base once.
"""
