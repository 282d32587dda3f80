"""Shared test set-up: Qt offscreen, every test against its own data folder."""

from __future__ import annotations

import os

# Before any Qt import: widgets render offscreen, and nothing reaches the user's settings.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
