"""Small pictures of a sample for its row: the spectrogram as a colour image.

Made on the pool thread with the rest of the sample's pictures (a QImage, unlike a
QPixmap, may be made off the GUI thread); the row's delegate only draws it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage

from musiclab_desktop.core.audio_view import Spectrogram

THUMBNAIL_WIDTH = 100  # columns of the row's spectrogram
THUMBNAIL_BANDS = 32
LEVELS = (-90.0, -10.0)  # the same dB range as the large spectrogram
_LUT = pg.colormap.get("inferno").getLookupTable(nPts=256, alpha=False)


def spectrogram_thumbnail(spectrogram: Spectrogram) -> QImage:
    """The spectrogram shrunk to ``THUMBNAIL_WIDTH`` x ``THUMBNAIL_BANDS``, low notes at
    the bottom, in the large view's colours."""
    db = spectrogram.db  # (time, bands)
    columns = np.array_split(np.arange(db.shape[0]), min(THUMBNAIL_WIDTH, db.shape[0]))
    bands = np.array_split(np.arange(db.shape[1]), min(THUMBNAIL_BANDS, db.shape[1]))
    small = np.array([[db[np.ix_(c, b)].mean() for c in columns] for b in bands])
    scaled = np.clip((small - LEVELS[0]) / (LEVELS[1] - LEVELS[0]), 0.0, 1.0)
    rgb = np.ascontiguousarray(_LUT[(scaled[::-1] * 255).astype(np.uint8)])
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
