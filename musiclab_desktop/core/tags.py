"""Tags on runs and experiments: short labels a person finds work again by."""

from __future__ import annotations

from collections.abc import Iterable

from musiclab_desktop.core.errors import ValidationError

TAG_MAX_LENGTH = 40
MAX_TAGS = 50


def normalize_tags(tags: Iterable[str] | str) -> list[str]:
    """Trimmed, duplicates (in any case) dropped, first spelling kept; a comma string is
    split. A tag longer than :data:`TAG_MAX_LENGTH` or too many tags are refused."""
    items = (
        tags.split(",")
        if isinstance(tags, str)
        else [part for tag in tags for part in str(tag).split(",")]
    )
    result: list[str] = []
    seen: set[str] = set()
    for item in items:
        tag = " ".join(item.split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > TAG_MAX_LENGTH:
            raise ValidationError(
                f"Tags are at most {TAG_MAX_LENGTH} characters; '{tag[:20]}…' has {len(tag)}.",
                {"tags": "too long"},
            )
        seen.add(tag.casefold())
        result.append(tag)
    if len(result) > MAX_TAGS:
        raise ValidationError(
            f"At most {MAX_TAGS} tags; {len(result)} were given.", {"tags": "too many"}
        )
    return result


def edit_tags(
    current: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()
) -> list[str]:
    """``current`` with ``add`` appended and ``remove`` taken out (in any case)."""
    dropped = {tag.casefold() for tag in normalize_tags(list(remove))}
    kept = [tag for tag in current if tag.casefold() not in dropped]
    return normalize_tags([*kept, *normalize_tags(list(add))])
