"""The questions the Training environment dialog asks before it installs or stops."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from musiclab_desktop.runner.torch_choice import TorchChoice


def unsure_build_question(parent: QWidget, choice: TorchChoice) -> QMessageBox:
    """Before installing a PyTorch build the hardware check is not sure of."""
    box = QMessageBox(QMessageBox.Icon.Question, "Install this PyTorch build?",
                      f"{choice.label}: {choice.reason}", parent=parent)
    box.setObjectName("unsureBuildQuestion")
    box.setInformativeText("Install it anyway? You can also pick another build, or use a "
                           "Python you already have.")
    install = box.addButton("Install", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(install)
    return box


def stop_setup_question(parent: QWidget) -> QMessageBox:
    """Before closing the dialog while the environment is being set up."""
    box = QMessageBox(QMessageBox.Icon.Question, "Stop the set-up?",
                      "The training environment is still being set up.", parent=parent)
    box.setObjectName("stopSetupQuestion")
    box.setInformativeText("What is installed so far is kept; setting up again continues "
                           "from there.")
    box.addButton("Stop and close", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep installing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    return box
