"""How values read in the window: losses, times, durations, sizes."""

from __future__ import annotations

from datetime import UTC, datetime

from musiclab_desktop.core.audio_scan import seconds_text


def loss_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def relative_time(moment: datetime | None, now: datetime | None = None) -> str:
    """'just now', '5 min ago', '3 h ago', 'yesterday', '4 days ago', then the date."""
    if moment is None:
        return "—"
    now = now or datetime.now(UTC)
    seconds = max(0.0, (now - moment).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86_400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86_400)
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return local_date(moment)


def local_date(moment: datetime) -> str:
    return moment.astimezone().strftime("%d %b %Y")


def local_datetime(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%d %b %Y, %H:%M")


def duration_text(seconds: float | None) -> str:
    """'0:42', '12:05', '1:02:09'; a dash when unknown."""
    if seconds is None:
        return "—"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def clip_length_text(seconds: float | None) -> str:
    """A clip's length in seconds ('0.05 s', '8.40 s', '27.0 s'; truncated, so a clip never
    reads as long as a minimum it falls short of), '1:05' from a minute on; '—' unknown."""
    if seconds is None:
        return "—"
    return f"{seconds_text(seconds)} s" if seconds < 60 else duration_text(seconds)


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    word = noun if count == 1 else (plural_noun or noun + "s")
    return f"{count:,} {word}"
