"""Training metrics chart: live loss curves, metric selector, hover, compare up to 5 runs."""

from musiclab_desktop.ui.metrics.chart import MAX_COMPARED_RUNS, MetricsChart
from musiclab_desktop.ui.metrics.labels import MetricInfo, metric_info
from musiclab_desktop.ui.metrics.series import MetricSeries, RunMetrics

__all__ = [
    "MAX_COMPARED_RUNS",
    "MetricInfo",
    "MetricSeries",
    "MetricsChart",
    "RunMetrics",
    "metric_info",
]
