"""The experiment list on the left of the main window: model, delegate and panel."""

from musiclab_desktop.ui.experiment_list.model import ExperimentListModel, ExperimentRoles
from musiclab_desktop.ui.experiment_list.panel import ExperimentListPanel

__all__ = ["ExperimentListModel", "ExperimentListPanel", "ExperimentRoles"]
