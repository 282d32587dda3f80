"""A small filter language for finding runs: ``final_loss<7.5 and lora_r=16``.

Parsed by hand into a tree of comparisons (never ``eval``), so a filter typed in a
terminal or the window's filter box can do nothing but compare. Grammar::

    expression := term ("or" term)*
    term       := factor ("and" factor)*
    factor     := "not" factor | "(" expression ")" | comparison
    comparison := NAME OP VALUE        OP: = == != < <= > >= ~ (contains, any case)

Names are a run's own fields (id, name, status, final_loss, step, experiment_id,
notes, tag/tags) or any training setting (Hugging Face aliases too). Values are
numbers, words or quoted text. A comparison with a value the run lacks (no final
loss yet) is false, so ``final_loss<7.5`` never lists a run still training.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from musiclab_desktop.core.config import config_fields
from musiclab_desktop.core.config_aliases import canonical_name, suggestion
from musiclab_desktop.core.errors import ValidationError
from musiclab_desktop.core.records import RunRecord

RUN_FIELDS: dict[str, Callable[[RunRecord], Any]] = {
    "id": lambda run: run.id,
    "name": lambda run: run.name,
    "status": lambda run: str(run.status),
    "final_loss": lambda run: run.final_loss,
    "loss": lambda run: run.final_loss,
    "step": lambda run: run.current_step,
    "experiment_id": lambda run: run.experiment_id,
    "notes": lambda run: run.notes,
    "tag": lambda run: list(run.tags),
    "tags": lambda run: list(run.tags),
    "error": lambda run: run.error or "",
}
_SETTINGS = {f.name for f in config_fields()}
_TOKEN = re.compile(
    r"""\s*(?:
    (?P<op><=|>=|!=|==|=|<|>|~)
  | (?P<paren>[()])
  | "(?P<dq>(?:[^"\\]|\\.)*)"
  | '(?P<sq>(?:[^'\\]|\\.)*)'
  | (?P<word>[^\s()<>=!~"']+)
)""",
    re.VERBOSE,
)
_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class _Token:
    kind: str  # "op", "paren", "text" (quoted), "word"
    text: str


@dataclass(frozen=True)
class Comparison:
    name: str
    op: str
    value: str

    def matches(self, run: RunRecord, config: Mapping[str, Any]) -> bool:
        actual = RUN_FIELDS[self.name](run) if self.name in RUN_FIELDS else config.get(self.name)
        if isinstance(actual, list):  # tags: any of them
            return (
                any(_compare(item, self.op, self.value) for item in actual)
                if self.op != "!="
                else all(_compare(i, "!=", self.value) for i in actual)
            )
        return _compare(actual, self.op, self.value)


@dataclass(frozen=True)
class Not:
    inner: RunFilter

    def matches(self, run: RunRecord, config: Mapping[str, Any]) -> bool:
        return not self.inner.matches(run, config)


@dataclass(frozen=True)
class AllOf:
    parts: tuple[RunFilter, ...]

    def matches(self, run: RunRecord, config: Mapping[str, Any]) -> bool:
        return all(part.matches(run, config) for part in self.parts)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[RunFilter, ...]

    def matches(self, run: RunRecord, config: Mapping[str, Any]) -> bool:
        return any(part.matches(run, config) for part in self.parts)


RunFilter = Comparison | Not | AllOf | AnyOf


@dataclass(frozen=True)
class MatchEverything:
    """The empty filter."""

    def matches(self, run: RunRecord, config: Mapping[str, Any]) -> bool:
        return True


def _compare(actual: Any, op: str, wanted: str) -> bool:
    if actual is None:
        return op == "!="
    if op == "~":
        return wanted.lower() in str(actual).lower()
    if isinstance(actual, bool):
        equal = wanted.lower() in (
            {"true", "1", "yes", "on"} if actual else {"false", "0", "no", "off"}
        )
        return _equality(op, equal)
    if isinstance(actual, int | float):
        try:
            number = float(wanted)
        except ValueError:
            return op == "!="
        if op in _ORDER:
            return _ORDER[op](actual, number)
        return _equality(op, actual == number)
    text, wanted_text = str(actual), wanted
    if op in _ORDER:
        return _ORDER[op](text.lower(), wanted_text.lower())
    return _equality(op, text.lower() == wanted_text.lower())


def _equality(op: str, equal: bool) -> bool:
    if op == "!=":
        return not equal
    if op in ("=", "=="):
        return equal
    return False  # an order between booleans means nothing


def filter_names() -> list[str]:
    """Every name a filter may use (for completion and help)."""
    return sorted({*RUN_FIELDS, *_SETTINGS})


def parse_run_filter(text: str) -> RunFilter | MatchEverything:
    """The filter ``text`` states; a ValidationError saying what is wrong otherwise."""
    tokens = _tokenize(text)
    if not tokens:
        return MatchEverything()
    parser = _Parser(tokens, text)
    result = parser.expression()
    if parser.position < len(tokens):
        raise parser.error(f"unexpected '{tokens[parser.position].text}'")
    return result


def _tokenize(text: str) -> list[_Token]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ValidationError(
                f"Filter '{text}': cannot read '{text[position:].strip()}'.", {"filter": "syntax"}
            )
        position = match.end()
        if match["op"]:
            tokens.append(_Token("op", match["op"]))
        elif match["paren"]:
            tokens.append(_Token("paren", match["paren"]))
        elif match["dq"] is not None or match["sq"] is not None:
            quoted = match["dq"] if match["dq"] is not None else match["sq"]
            tokens.append(_Token("text", re.sub(r"\\(.)", r"\1", quoted)))
        else:
            tokens.append(_Token("word", match["word"]))
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token], text: str) -> None:
        self._tokens = tokens
        self._text = text
        self.position = 0

    def error(self, problem: str) -> ValidationError:
        return ValidationError(f"Filter '{self._text}': {problem}.", {"filter": problem})

    def _peek(self) -> _Token | None:
        return self._tokens[self.position] if self.position < len(self._tokens) else None

    def _keyword(self, word: str) -> bool:
        token = self._peek()
        if token is not None and token.kind == "word" and token.text.lower() == word:
            self.position += 1
            return True
        return False

    def _next(self, what: str) -> _Token:
        token = self._peek()
        if token is None:
            raise self.error(f"expected {what} at the end")
        self.position += 1
        return token

    def expression(self) -> RunFilter:
        parts = [self._term()]
        while self._keyword("or"):
            parts.append(self._term())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def _term(self) -> RunFilter:
        parts = [self._factor()]
        while self._keyword("and"):
            parts.append(self._factor())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def _factor(self) -> RunFilter:
        if self._keyword("not"):
            return Not(self._factor())
        token = self._peek()
        if token is not None and token.kind == "paren" and token.text == "(":
            self.position += 1
            inner = self.expression()
            closing = self._next("')'")
            if closing.text != ")":
                raise self.error(f"expected ')' before '{closing.text}'")
            return inner
        return self._comparison()

    def _comparison(self) -> Comparison:
        name_token = self._next("a name")
        if name_token.kind != "word":
            raise self.error(f"expected a name before '{name_token.text}'")
        name = self._known_name(name_token.text)
        op = self._next(f"a comparison after '{name_token.text}' (=, !=, <, <=, >, >=, ~)")
        if op.kind != "op":
            raise self.error(f"expected a comparison after '{name_token.text}', not '{op.text}'")
        value = self._next(f"a value after '{name_token.text}{op.text}'")
        if value.kind not in ("word", "text"):
            raise self.error(f"expected a value after '{name_token.text}{op.text}'")
        return Comparison(name, op.text, value.text)

    def _known_name(self, raw: str) -> str:
        name = canonical_name(raw.lower(), {*RUN_FIELDS, *_SETTINGS})
        if name in RUN_FIELDS or name in _SETTINGS:
            return name
        guess = suggestion(raw, [*RUN_FIELDS, *_SETTINGS])
        hint = f" (did you mean '{guess}'?)" if guess else ""
        raise self.error(f"'{raw}' is neither a run field nor a setting{hint}")
