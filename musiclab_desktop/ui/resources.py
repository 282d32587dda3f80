"""The one way into resources/: icons and the desktop file.

Icons are monochrome SVGs drawn with ``currentColor``; they are coloured at paint time
from the application palette, so they follow the system's light or dark theme (and a
theme switch while the app runs) without a second icon set.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from musiclab_desktop.runner.install_location import bundle_dir

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """resources/ beside the source tree, inside the package, or in a frozen bundle."""
    candidates = [
        (bundle_dir() or _PACKAGE_DIR) / "resources",
        _PACKAGE_DIR / "resources",
        _PACKAGE_DIR.parent / "resources",
    ]
    for candidate in candidates:
        if (candidate / "icons").is_dir():
            return candidate
    raise FileNotFoundError("MusicLab's resources folder is missing from this installation.")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@cache
def _svg_text(name: str) -> str:
    return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")


def _icon_colour(mode: QIcon.Mode, role: QPalette.ColorRole) -> QColor:
    palette = QGuiApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorRole.HighlightedText)
    return palette.color(role)


@cache
def _renderer(name: str, colour: str) -> QSvgRenderer:
    svg = _svg_text(name).replace("currentColor", colour)
    return QSvgRenderer(QByteArray(svg.encode("utf-8")))


class _PaletteSvgEngine(QIconEngine):
    """Renders a ``currentColor`` SVG in the palette colour of the moment."""

    def __init__(self, name: str, role: QPalette.ColorRole) -> None:
        super().__init__()
        self._name = name
        self._role = role

    def _renderer_for(self, mode: QIcon.Mode) -> QSvgRenderer:
        return _renderer(self._name, _icon_colour(mode, self._role).name())

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        self._renderer_for(mode).render(painter, rect.toRectF())

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,
                     scale: float) -> QPixmap:
        pixmap = QPixmap(size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self._renderer_for(mode).render(painter)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:
        return _PaletteSvgEngine(self._name, self._role)

    def key(self) -> str:
        return "musiclab-palette-svg"


def icon(name: str, role: QPalette.ColorRole = QPalette.ColorRole.ButtonText) -> QIcon:
    """The icon resources/icons/NAME.svg, drawn in the palette colour ``role``."""
    _svg_text(name)  # fail here, with the file name, rather than paint nothing later
    return QIcon(_PaletteSvgEngine(name, role))


def coloured_pixmap(name: str, colour: QColor, size: int, scale: float = 1.0) -> QPixmap:
    """An icon drawn in a fixed colour, for badges and banners."""
    pixmap = QPixmap(QSize(size, size) * scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    _renderer(name, colour.name()).render(painter)
    painter.end()
    pixmap.setDevicePixelRatio(scale)
    return pixmap


def app_icon() -> QIcon:
    """The full-colour application icon (not recoloured)."""
    return QIcon(str(resource_path("icons", "app.svg")))


def paint_icon(painter: QPainter, name: str, top_left: QPoint, size: int, colour: QColor) -> None:
    """Draw an icon in ``colour`` directly, e.g. inside an item delegate."""
    _renderer(name, colour.name()).render(painter, QRect(top_left, QSize(size, size)).toRectF())
