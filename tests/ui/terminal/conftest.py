"""Fixtures for the terminal view tests: a shown view of a fixed terminal size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from musiclab_desktop.ui.terminal import TerminalView


@pytest.fixture
def make_view(qtbot: QtBot) -> Callable[..., TerminalView]:
    def make(columns: int | None = 80, lines: int | None = 24, **options: object) -> TerminalView:
        view = TerminalView(**options)  # type: ignore[arg-type]
        qtbot.addWidget(view)
        view.resize(900, 500)
        view.set_terminal_size(columns, lines)
        view.show()
        qtbot.waitExposed(view)
        return view

    return make


@pytest.fixture
def view(make_view: Callable[..., TerminalView]) -> TerminalView:
    return make_view()
