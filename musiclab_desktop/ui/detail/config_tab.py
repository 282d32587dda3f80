"""The Config tab: the experiment's training configuration, read-only until Edit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musiclab_desktop.core.config_files import read_config_file, write_config_file
from musiclab_desktop.core.display import printable
from musiclab_desktop.core.errors import MusiclabError, ValidationError
from musiclab_desktop.core.folder_names import slug
from musiclab_desktop.core.model_check import base_model_warning
from musiclab_desktop.core.records import ExperimentRecord
from musiclab_desktop.ui.config_form import ConfigForm
from musiclab_desktop.ui.experiments_controller import ExperimentsController
from musiclab_desktop.ui.prompts import SAVE, STAY, Prompts, unsaved_config_question
from musiclab_desktop.ui.resources import icon
from musiclab_desktop.ui.toast import show_toast
from musiclab_desktop.ui.widgets import error_label, heading_label, muted_label

FORM_MAX_WIDTH = 1240
VIEW_HINT = "Runs use these settings unless you override them when starting a run."
EDIT_HINT = "Editing. Saved changes apply to runs started afterwards; finished runs keep theirs."
ARCHIVED_HINT = "This experiment is archived. Unarchive it to edit its settings."
CONFIG_FILE_FILTERS = "Config files (*.toml *.json *.yaml *.yml);;All files (*)"


class ConfigTab(QWidget):
    """View mode shows the stored config; Edit unlocks it; Save validates and stores it
    through core; Cancel puts the stored values back."""

    def __init__(self, controller: ExperimentsController, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("configTab")
        self._controller = controller
        self._prompts = prompts
        self._record: ExperimentRecord | None = None
        self._form: ConfigForm | None = None
        self._editing = False
        self._build()
        self._show_mode(editing=False)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 12, 4, 0)
        layout.setSpacing(10)
        layout.addLayout(self._build_toolbar())
        scroll = QScrollArea(self)
        scroll.setObjectName("configTabScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        self._form_column = QVBoxLayout(holder)
        self._form_column.setContentsMargins(0, 0, 10, 12)
        self._form_column.addStretch(1)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)

    @property
    def form(self) -> ConfigForm:
        """The form, built the first time the tab is shown: the window paints sooner."""
        if self._form is None:
            values = self._record.config if self._record is not None else None
            self._form = ConfigForm(values, read_only=not self._editing)
            # Past this width label and value drift too far apart to read as a pair.
            self._form.setMaximumWidth(FORM_MAX_WIDTH)
            self._form.changed.connect(self._sync_save)
            self._form_column.insertWidget(0, self._form)
        return self._form

    def showEvent(self, event: QShowEvent) -> None:
        self.form  # noqa: B018 - builds it
        self._sync_save()
        super().showEvent(event)

    def _build_toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(heading_label("Training configuration", self))
        self.hint = muted_label(VIEW_HINT, self)
        self.hint.setObjectName("configHint")
        self.hint.setWordWrap(True)
        text.addWidget(self.hint)
        self.error_label = error_label(self, "configSaveError")
        text.addWidget(self.error_label)
        # The base model is not at hand (yet): a warning naming the fix, never a refusal.
        # Muted, not red: nothing is wrong with the settings, a download is still to do.
        self.model_warning = muted_label("", self)
        self.model_warning.setObjectName("baseModelWarning")
        self.model_warning.setWordWrap(True)
        self.model_warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model_warning.hide()
        text.addWidget(self.model_warning)
        row.addLayout(text, 1)
        self.edit_button = QPushButton(icon("edit"), "Edit", self)
        self.edit_button.setObjectName("editConfigButton")
        self.edit_button.setToolTip("Change this experiment's training settings")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelConfigButton")
        self.cancel_button.setToolTip("Put the stored settings back and stop editing")
        self.save_button = QPushButton(icon("save"), "Save Changes", self)
        self.save_button.setObjectName("saveConfigButton")
        self.save_button.setToolTip("Check and store these settings")
        self.save_button.setDefault(True)
        # One button with a menu: the toolbar must still fit a narrow window.
        self.file_button = QToolButton(self)
        self.file_button.setObjectName("configFileButton")
        self.file_button.setText("Config file")
        self.file_button.setToolTip("Import or export these settings as a TOML, JSON or "
                                    "YAML file")
        self.file_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.file_button)
        self.import_action = menu.addAction("Import…", self.import_config)
        self.import_action.setObjectName("importConfigAction")
        self.import_action.setToolTip(
            "Read settings from a TOML, JSON or YAML file (Hugging Face and peft names such "
            "as num_train_epochs or r work too); review them, then Save")
        self.export_action = menu.addAction("Export…", self.export_config)
        self.export_action.setObjectName("exportConfigAction")
        self.export_action.setToolTip(
            "Write these settings to a TOML, JSON or YAML file (the file name's ending "
            "picks the format), for musiclab --config or another experiment")
        menu.setToolTipsVisible(True)
        self.file_button.setMenu(menu)
        row.addWidget(self.file_button, 0, Qt.AlignmentFlag.AlignTop)
        for button in (self.edit_button, self.cancel_button, self.save_button):
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.edit_button.clicked.connect(self.start_edit)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self.save)
        return row

    # --- state ---------------------------------------------------------------

    def set_experiment(self, record: ExperimentRecord | None) -> None:
        """Show ``record``'s stored config; a switch of experiment leaves edit mode, and so
        does archiving (an archived experiment is read-only)."""
        same = record is not None and self._record is not None and record.id == self._record.id
        self._record = record
        if same and self.is_editing() and not self._read_only():
            return  # a refresh of the experiment must not wipe what is being typed
        self._show_mode(editing=False)
        if record is not None and self._form is not None:
            self._form.set_values(record.config)
        self._show_model_warning()

    def _show_model_warning(self) -> str | None:
        model = self._record.config.get("base_model") if self._record is not None else None
        warning = base_model_warning(str(model)) if model else None
        self.model_warning.setText(f"⚠ {warning}" if warning else "")
        self.model_warning.setVisible(bool(warning))
        return warning

    def is_editing(self) -> bool:
        return self._editing

    def has_unsaved_changes(self) -> bool:
        """Editing, with values that differ from the stored config."""
        if not self._editing or self._record is None or self._form is None:
            return False
        return bool(self._form.changed_fields())

    def resolve_unsaved_changes(self) -> bool:
        """Before the edited experiment goes out of view: ask Save, Discard or Stay.

        True when the window may move on (saved, discarded, or nothing to lose);
        False to stay, the edits kept, also when saving was refused.
        """
        if not self.has_unsaved_changes():
            return True
        assert self._record is not None
        answer = self._prompts.save_discard_or_stay(
            self, unsaved_config_question(self, printable(self._record.name)))
        if answer == STAY:
            return False
        if answer == SAVE:
            return self.save()
        self.cancel()
        return True

    def _read_only(self) -> bool:
        return self._record is None or self._record.archived

    def start_edit(self) -> None:
        if not self._read_only():
            self._show_mode(editing=True)
            self.form.setFocus()

    def cancel(self) -> None:
        if self._record is not None:
            self.form.set_values(self._record.config)
        self._show_mode(editing=False)

    def save(self) -> bool:
        if self._record is None:
            return False
        if self.form.validate():
            self._show_error("Some values need fixing; they are marked below.")
            return False
        try:
            record = self._controller.update_config(self._record.id, self.form.values())
        except ValidationError as exc:
            self.form.set_field_errors(exc.field_errors)
            self._show_error(str(exc))
            return False
        except MusiclabError as exc:
            self._prompts.error(self, "Cannot save the configuration", str(exc))
            return False
        self._record = record
        self._show_mode(editing=False)
        self.form.set_values(record.config)
        self._show_model_warning()  # beneath the heading, where it stays
        show_toast(self, "Configuration saved")
        return True

    # --- config files --------------------------------------------------------------

    def import_config(self) -> bool:
        """Read a config file into the form, in edit mode: nothing is stored until Save."""
        if self._read_only():
            return False
        path = self._prompts.open_file(self, "Import settings", CONFIG_FILE_FILTERS)
        if not path:
            return False
        values = self._prompts.attempt(self, "Cannot import the settings",
                                       lambda: read_config_file(path))
        if values is None:
            return False
        if not self._editing:
            self.start_edit()
        self.form.set_values({**self.form.values(), **values})
        self._sync_save()
        show_toast(self, f"Imported {len(values)} setting(s): review them, then Save")
        return True

    def export_config(self) -> str | None:
        """Write the settings shown (edits included) to a file; its path, or None."""
        if self._record is None:
            return None
        suggested = f"{slug(self._record.name, 'settings')}.toml"
        path = self._prompts.save_file(self, "Export settings", suggested, CONFIG_FILE_FILTERS)
        if not path:
            return None
        values = self.form.values()
        if self._prompts.attempt(self, "Cannot export the settings",
                                 lambda: _write(path, values)) is None:
            return None
        show_toast(self, f"Settings exported to {printable(path)}")
        return path

    def _show_mode(self, editing: bool) -> None:
        self._editing = editing
        if editing or self._form is not None:
            self.form.set_read_only(not editing)
            # While editing, what differs from the stored config is marked, with a reset.
            stored = self._record.config if editing and self._record is not None else None
            self.form.set_baseline(stored, "saved value")
        archived = self._record is not None and self._record.archived
        self.edit_button.setVisible(not editing)
        self.edit_button.setEnabled(not self._read_only())
        self.edit_button.setToolTip("Unarchive the experiment to edit its settings" if archived
                                    else "Change this experiment's training settings")
        self.cancel_button.setVisible(editing)
        self.save_button.setVisible(editing)
        self.import_action.setEnabled(not self._read_only())
        self.export_action.setEnabled(self._record is not None)
        self.hint.setText(EDIT_HINT if editing else ARCHIVED_HINT if archived else VIEW_HINT)
        self._show_error("")
        self._sync_save()

    def _sync_save(self) -> None:
        self.save_button.setEnabled(self._form is None or self._form.is_valid())

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))


def _write(path: str, values: dict[str, object]) -> bool:
    """Write, with an OS refusal (no permission, disk full) as a sentence to show."""
    try:
        write_config_file(path, values)
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}.",
                              {"config": "write"}) from exc
    return True
