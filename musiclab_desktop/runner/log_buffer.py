"""What a run has produced since the last write: log bytes and metric points."""

from __future__ import annotations

from collections.abc import Sequence

from musiclab_desktop.core.services.telemetry import MetricTuple, TelemetryService

# One stored chunk stays at most this big, so reading a log back never needs a
# huge allocation per row.
MAX_CHUNK_BYTES = 4 << 20


class TelemetryBuffer:
    """Collects one run's output between writes; one transaction per kind per flush."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self._log: list[bytes] = []
        self.log_bytes = 0
        self._points: list[MetricTuple] = []

    def add_log(self, data: bytes) -> None:
        if data:
            self._log.append(data)
            self.log_bytes += len(data)

    def add_points(self, points: Sequence[MetricTuple]) -> None:
        self._points.extend(points)

    def is_full(self, max_log_bytes: int, max_points: int) -> bool:
        return self.log_bytes >= max_log_bytes or len(self._points) >= max_points

    def flush(self, telemetry: TelemetryService) -> None:
        """Store everything collected, log first (a reader follows the log)."""
        if self._log:
            data = b"".join(self._log)
            chunks = [data[i:i + MAX_CHUNK_BYTES] for i in range(0, len(data), MAX_CHUNK_BYTES)]
            telemetry.append_log(self.run_id, chunks)
            self._log.clear()
            self.log_bytes = 0
        if self._points:
            telemetry.append_metrics(self.run_id, self._points)
            self._points = []
