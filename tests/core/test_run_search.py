"""Notes and tags on runs and experiments, and finding runs across experiments with a
filter, a status, a tag and a sort order."""

from __future__ import annotations

import pytest

from musiclab_desktop.core.errors import InvalidStateError, ValidationError
from musiclab_desktop.core.library import Library
from musiclab_desktop.core.run_filter import parse_run_filter
from musiclab_desktop.core.services.run_search import settings_that_differ

from shared_kit import two_finished_runs


@pytest.fixture
def three_runs(library: Library, experiment_with_dataset):
    """Two experiments; runs with rank 16 / loss 7.0, rank 8 / loss 8.0, and a failed one."""
    good, worse = two_finished_runs(library, experiment_with_dataset)
    other = library.runs.get(worse).experiment_id
    failed = library.runs.prepare_start(other, override={"learning_rate": 1e-3})
    library.runs.mark_running(failed.id, pid=None)
    library.runs.fail(failed.id, "boom", "internal")
    return good, worse, failed.id


def _run(**fields):
    from datetime import UTC, datetime

    from musiclab_desktop.core.records import RunRecord
    from musiclab_desktop.core.status import RunStatus

    base = dict(
        id=1,
        experiment_id=1,
        name="r",
        status=RunStatus.COMPLETED,
        config_override=None,
        output_dir=None,
        adapter_id=None,
        final_loss=None,
        error=None,
        pid=None,
        current_step=0,
        total_steps=None,
        created_at=datetime.now(UTC),
        started_at=None,
        finished_at=None,
    )
    return RunRecord(**{**base, **fields})


def ids(found) -> list[int]:
    return [run.id for run, _ in found]


def test_a_filter_compares_run_fields_and_settings(library: Library, three_runs) -> None:
    good, worse, failed = three_runs

    assert ids(library.runs.search(filter_text="final_loss<7.5 and lora_r=16")) == [good]
    assert ids(library.runs.search(filter_text="final_loss<=8 and r=8")) == [worse]
    assert ids(library.runs.search(filter_text="lr>2e-4 or status=completed")) == [
        good,
        worse,
        failed,
    ]
    assert ids(library.runs.search(filter_text="not (status = 'COMPLETED')")) == [failed]
    assert ids(library.runs.search(filter_text="error~BOO")) == [failed]
    # A run without a loss never passes a comparison on the loss.
    assert failed not in ids(library.runs.search(filter_text="final_loss<100"))


def test_status_tag_sort_and_limit(library: Library, three_runs) -> None:
    good, worse, failed = three_runs
    library.runs.annotate(worse, tags=["keep", "Baseline"])
    library.runs.annotate(good, tags="keep")

    assert ids(library.runs.search(status="failed")) == [failed]
    assert ids(library.runs.search(tag="KEEP", sort="-final_loss")) == [worse, good]
    assert ids(library.runs.search(sort="final_loss")) == [good, worse, failed]
    assert ids(library.runs.search(sort="final_loss", limit=1)) == [good]
    assert ids(library.runs.search(filter_text="tag=baseline")) == [worse]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("final_los<7", "did you mean 'final_loss'"),
        ("final_loss<", "expected a value after 'final_loss<'"),
        ("final_loss 7", "expected a comparison after 'final_loss'"),
        ("(status=failed", r"expected '\)'"),
        ("status=failed and", "expected a name at the end"),
        ("__import__('os')", "'__import__' is neither a run field nor a setting"),
    ],
)
def test_a_bad_filter_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_run_filter(text)


def test_a_filter_is_compared_never_run() -> None:
    # Text that would be code elsewhere is only ever a value to compare with.
    condition = parse_run_filter("name = \"__import__('os').system('false')\"")
    assert condition.matches(_run(name="x"), {}) is False


def test_a_bad_status_or_sort_is_refused(library: Library, three_runs) -> None:
    with pytest.raises(ValidationError, match="use one of pending, running, completed"):
        library.runs.search(status="done")
    with pytest.raises(ValidationError, match="Cannot sort by 'banana'"):
        library.runs.search(sort="banana")


def test_notes_and_tags_are_kept_and_cleaned(library: Library, three_runs) -> None:
    good = three_runs[0]

    run = library.runs.annotate(good, notes="  lower lr next time ", tags=[" a ", "A", "b,c"])

    assert run.notes == "lower lr next time"
    assert run.tags == ["a", "b", "c"]
    assert library.runs.get(good).tags == ["a", "b", "c"]
    with pytest.raises(ValidationError, match="at most 40 characters"):
        library.runs.annotate(good, tags=["x" * 41])


def test_experiment_notes_and_tags(library: Library, experiment_with_dataset) -> None:
    record = library.experiments.annotate(
        experiment_with_dataset.id, description="first try", tags=["demo"]
    )
    assert (record.description, record.tags) == ("first try", ("demo",))
    library.experiments.archive(record.id)
    with pytest.raises(InvalidStateError, match="archived"):
        library.experiments.annotate(record.id, tags=["x"])


def test_settings_that_differ_name_the_columns_worth_showing(library: Library, three_runs) -> None:
    configs = [config for _, config in library.runs.search()]

    assert settings_that_differ(configs) == ["learning_rate", "lora_r"]
