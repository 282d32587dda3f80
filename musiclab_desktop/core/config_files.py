"""Training settings as files: JSON, TOML or YAML, read and written.

A file holds settings by name, flat (``learning_rate = 2e-4``) or grouped in tables or
mappings (``[lora]`` ``r = 16``); Hugging Face and peft names are accepted
(core/config_aliases.py). Reading returns only the settings the file holds, so a caller
merges it under ``--set`` and over the experiment's config. The TOML and YAML files
this module writes explain every setting in comments, like ``musiclab config
defaults``; JSON has no comments, so it carries the values alone.
"""

from __future__ import annotations

import contextlib
import json
import textwrap
import tomllib
from pathlib import Path
from typing import Any

from musiclab_desktop.core.config import (
    GROUPS,
    ConfigField,
    TrainingConfig,
    config_fields,
    validate_values,
)
from musiclab_desktop.core.config_aliases import canonical_values
from musiclab_desktop.core.errors import ValidationError

FORMATS: tuple[str, ...] = ("toml", "json", "yaml")
_SUFFIXES = {".toml": "toml", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_COMMENT_WIDTH = 88


def format_for_path(path: str | Path) -> str:
    """The file format its suffix names; a ValidationError for any other suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValidationError(
            f"{Path(path).name}: a config file ends in .toml, .json, .yaml or .yml.",
            {"config": "unknown format"},
        )
    return _SUFFIXES[suffix]


# --- reading -------------------------------------------------------------------


def parse_config_text(text: str, fmt: str, source: str = "the config file") -> dict[str, Any]:
    """The settings ``text`` holds, under the app's names, each value checked."""
    document = _parse_document(text, fmt, source)
    flat = _flatten(document, source)
    values = canonical_values(flat, {f.name for f in config_fields()})
    if fmt == "yaml":
        values = _yaml_numbers(values)
    errors = validate_values(values)
    if errors:
        first, message = next(iter(errors.items()))
        raise ValidationError(f"{source}: {first} {message}.", errors)
    return values


def read_config_file(path: str | Path) -> dict[str, Any]:
    """The settings the file at ``path`` holds (see :func:`parse_config_text`)."""
    path = Path(path).expanduser()
    fmt = format_for_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(
            f"The config file {path} does not exist.", {"config": "missing"}
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise ValidationError(
            f"Cannot read the config file {path}: {reason}.", {"config": "unreadable"}
        ) from None
    return parse_config_text(text, fmt, path.name)


def _parse_document(text: str, fmt: str, source: str) -> Any:
    try:
        if fmt == "toml":
            return tomllib.loads(text)
        if fmt == "json":
            return json.loads(text)
        if fmt == "yaml":
            return _yaml().safe_load(text) or {}
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ValidationError(
            f"{source} is not valid {fmt.upper()}: {exc}.", {"config": "syntax"}
        ) from None
    except Exception as exc:  # yaml.YAMLError; yaml is imported lazily, so named here
        if type(exc).__module__.startswith("yaml"):
            problem = str(exc).replace("\n", " ")
            raise ValidationError(
                f"{source} is not valid YAML: {problem}.", {"config": "syntax"}
            ) from None
        raise
    raise ValidationError(
        f"Unknown config format {fmt!r}; use one of {', '.join(FORMATS)}.",
        {"config": "unknown format"},
    )


def _flatten(document: Any, source: str) -> dict[str, Any]:
    """Top-level settings plus those inside one level of tables (``[lora]``)."""
    if not isinstance(document, dict):
        raise ValidationError(
            f"{source} must hold settings by name (a table or mapping).",
            {"config": "not a mapping"},
        )
    flat: dict[str, Any] = {}
    for key, value in document.items():
        pairs = value.items() if isinstance(value, dict) else [(key, value)]
        for name, item in pairs:
            if name in flat:
                raise ValidationError(
                    f"{source}: {name} is set twice; keep one.", {str(name): "given twice"}
                )
            flat[str(name)] = item
    return flat


def _yaml_numbers(values: dict[str, Any]) -> dict[str, Any]:
    """YAML 1.1 (PyYAML) reads ``2e-4`` as text: a number setting takes it as a number."""
    kinds = {f.name: f.type for f in config_fields()}
    result = dict(values)
    for name, value in values.items():
        if isinstance(value, str) and kinds.get(name) is float:
            # Not a number: left as text, and validation says the setting must be one.
            with contextlib.suppress(ValueError):
                result[name] = float(value)
    return result


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:
        raise ValidationError(
            "Reading and writing YAML needs the PyYAML package "
            "(pip install pyyaml); TOML and JSON work without it.",
            {"config": "yaml unavailable"},
        ) from None
    return yaml


# --- writing -------------------------------------------------------------------


def config_file_text(values: dict[str, Any], fmt: str, *, commented: bool = True) -> str:
    """A whole config file holding ``values`` (every setting: defaults fill the rest)."""
    full = TrainingConfig.from_dict(values).to_dict()
    if fmt == "json":
        return json.dumps(full, indent=2, ensure_ascii=False) + "\n"
    if fmt not in ("toml", "yaml"):
        raise ValidationError(
            f"Unknown config format {fmt!r}; use one of {', '.join(FORMATS)}.",
            {"config": "unknown format"},
        )
    line = _toml_line if fmt == "toml" else _yaml_line
    lines = [
        "# MusicLab training settings. Hugging Face / peft names (num_train_epochs, r,",
        "# target_modules, ...) are accepted too. Use it with --config FILE.",
    ]
    for group in GROUPS:
        fields = [f for f in config_fields() if f.spec.group == group]
        if not fields:
            continue
        lines += ["", f"# --- {group} " + "-" * (70 - len(group))]
        for field in fields:
            if commented:
                lines += ["", *_comment(field)]
            lines.append(line(field.name, full[field.name]))
    return "\n".join(lines) + "\n"


def write_config_file(path: str | Path, values: dict[str, Any], fmt: str | None = None) -> None:
    path = Path(path).expanduser()
    text = config_file_text(values, fmt or format_for_path(path))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationError(
            f"Cannot write the config file {path}: {exc.strerror}.", {"config": "unwritable"}
        ) from None


def _comment(field: ConfigField) -> list[str]:
    spec = field.spec
    text = f"{spec.label}: {spec.tooltip}"
    if spec.choices:
        text += f" One of: {', '.join(spec.choices)}."
    elif spec.minimum is not None and spec.maximum is not None:
        text += f" From {_bound(spec.minimum)} to {_bound(spec.maximum)}."
    text += f" Default: {field.default!r}."
    return ["# " + line for line in textwrap.wrap(text, _COMMENT_WIDTH - 2)]


def _bound(value: float) -> str:
    # 1000000, not 1e+06: a bound reads as the number a person would type.
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _toml_line(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return f"{name} = {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"{name} = {value!r}"
    # A JSON string is a TOML basic string: the same quotes and escapes.
    return f"{name} = {json.dumps(str(value), ensure_ascii=False)}"


def _yaml_line(name: str, value: Any) -> str:
    # safe_dump writes floats in YAML 1.1's form (1.0e-07), which a bare repr is not.
    dumped = _yaml().safe_dump(
        {name: value}, allow_unicode=True, default_flow_style=False, width=float("inf")
    )
    return str(dumped).rstrip("\n")
