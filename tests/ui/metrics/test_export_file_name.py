"""The suggested export file name fits every file system, however long the run names
are (issue 11.6)."""

from __future__ import annotations

from pathlib import Path

from musiclab_desktop.ui.metrics import MetricsChart

from metrics_kit import RunFactory


def test_five_long_run_names_suggest_a_file_name_that_can_be_saved(
    chart: MetricsChart, make_run: RunFactory, tmp_path: Path
) -> None:
    chart.show_comparison([make_run(run_id=i, points=10, name=f"{i}-" + "ü" * 98)
                           for i in range(1, 6)])
    name = chart._default_file_name(".csv")
    assert len(name.encode()) <= 130 and name.startswith("1-uuu")
    assert chart.export_csv(tmp_path / name) == 50
