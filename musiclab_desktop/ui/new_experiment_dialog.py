"""The New experiment dialog: name, description, dataset and a collapsible training config."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyleOptionToolButton,
    QStylePainter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.config import default_config
from musiclab_desktop.core.errors import MusiclabError, ValidationError
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.core.services.experiments import EXPERIMENT_NAME_MAX_LENGTH
from musiclab_desktop.ui.config_form import ConfigForm
from musiclab_desktop.ui.dataset_picker import DatasetPicker
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.prompts import Prompts
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.widgets import error_label, muted_label, scaled_font, title_label

COLLAPSED_SIZE = QSize(640, 420)
EXPANDED_SIZE = QSize(1000, 860)


class DisclosureButton(QToolButton):
    """A checkable tool button drawn flat in both states: the chevron shows open or shut."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        option.state &= ~(QStyle.StateFlag.State_On | QStyle.StateFlag.State_Sunken)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)


class NewExperimentDialog(QDialog):
    def __init__(self, controller: ExperimentsController, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newExperimentDialog")
        self.setWindowTitle("New experiment")
        self._controller = controller
        self._prompts = prompts
        self.created: ExperimentRecord | None = None
        self._build()
        self.set_config_expanded(False)

    # --- building ------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(10)
        layout.addWidget(title_label("New experiment", self))
        intro = muted_label("Name it, choose the clips it trains on, and change training "
                            "settings only where you need to.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(self._build_fields())
        layout.addSpacing(4)
        layout.addLayout(self._build_config_header())
        self.config_scroll = self._build_config_section()
        layout.addWidget(self.config_scroll, 1)
        self._filler = QWidget(self)
        layout.addWidget(self._filler, 1)
        layout.addWidget(self._build_buttons())

    def _build_fields(self) -> QFormLayout:
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("experimentNameEdit")
        self.name_edit.setMaxLength(EXPERIMENT_NAME_MAX_LENGTH)
        self.name_edit.setPlaceholderText("e.g. lo-fi piano, 30 s clips")
        self.name_edit.setToolTip("A name unique among your experiments")
        self.name_edit.textChanged.connect(lambda _text: self._set_name_error(""))
        self.name_error = error_label(self, "experimentNameError")
        name_box = QVBoxLayout()
        name_box.setSpacing(2)
        name_box.addWidget(self.name_edit)
        name_box.addWidget(self.name_error)
        name_label = QLabel("&Name", self)
        name_label.setBuddy(self.name_edit)
        form.addRow(name_label, name_box)
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setObjectName("experimentDescriptionEdit")
        self.description_edit.setPlaceholderText("What are you trying? (optional)")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        form.addRow("&Description", self.description_edit)
        self.dataset_picker = DatasetPicker(self._controller.library, self._prompts, self)
        form.addRow("Data&set", self.dataset_picker)
        return form

    def _build_config_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.config_toggle = DisclosureButton(self)
        self.config_toggle.setObjectName("configSectionToggle")
        self.config_toggle.setText("Training Configuration")
        self.config_toggle.setCheckable(True)
        self.config_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.config_toggle.setAutoRaise(True)
        self.config_toggle.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
        self.config_toggle.setToolTip("Show every training setting, grouped as Training, "
                                      "LoRA and Hardware")
        self.config_toggle.toggled.connect(self.set_config_expanded)
        row.addWidget(self.config_toggle)
        self.config_hint = muted_label("Defaults follow the LoRA recipe for MusicGen small", self)
        row.addWidget(self.config_hint, 1)
        self.reset_config_button = QPushButton(icon("reset"), "Reset to defaults", self)
        self.reset_config_button.setObjectName("resetConfigButton")
        self.reset_config_button.setFlat(True)
        self.reset_config_button.clicked.connect(
            lambda: self.config_form.set_values(default_config()))
        row.addWidget(self.reset_config_button)
        return row

    def _build_config_section(self) -> QScrollArea:
        self.config_form = ConfigForm(default_config(), read_only=False)
        # Fields changed from the recipe are marked, each with its own reset.
        self.config_form.set_baseline(default_config(), "default")
        scroll = QScrollArea(self)
        scroll.setObjectName("configScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 4, 10, 4)
        inner.addWidget(self.config_form)
        inner.addStretch(1)
        scroll.setWidget(holder)
        return scroll

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(self)
        self.create_button = buttons.addButton("Create experiment",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("createExperimentButton")
        self.create_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        return buttons

    # --- behaviour -----------------------------------------------------------

    def set_config_expanded(self, expanded: bool) -> None:
        if self.config_toggle.isChecked() != expanded:
            self.config_toggle.setChecked(expanded)  # comes back here through toggled
            return
        self.config_toggle.setIcon(icon("chevron-down" if expanded else "chevron-right"))
        self.config_scroll.setVisible(expanded)
        self.reset_config_button.setVisible(expanded)
        self._filler.setVisible(not expanded)
        self.resize(self._size_for(expanded))

    def _size_for(self, expanded: bool) -> QSize:
        wanted = EXPANDED_SIZE if expanded else COLLAPSED_SIZE
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is None:
            return wanted
        return wanted.boundedTo(QSize(screen.width() - 40, screen.height() - 60))

    def is_config_expanded(self) -> bool:
        return self.config_toggle.isChecked()

    def submit(self) -> None:
        """Create the experiment through core; problems are flagged where they are."""
        if self.config_form.validate():
            self.set_config_expanded(True)
            return
        try:
            self.created = self._controller.create(
                self.name_edit.text(),
                self.description_edit.toPlainText(),
                self.dataset_picker.dataset_id(),
                self.config_form.values(),
            )
        except ValidationError as exc:
            self._show_validation(exc)
            return
        except MusiclabError as exc:
            self._prompts.error(self, "Cannot create the experiment", str(exc))
            return
        self.accept()

    def _show_validation(self, exc: ValidationError) -> None:
        if "name" in exc.field_errors:
            self._set_name_error(str(exc))
            self.name_edit.setFocus()
            return
        self.config_form.set_field_errors(exc.field_errors)
        if exc.field_errors:
            self.set_config_expanded(True)
        self._prompts.error(self, "Cannot create the experiment", str(exc))

    def _set_name_error(self, message: str) -> None:
        self.name_error.setText(message)
        self.name_error.setVisible(bool(message))
