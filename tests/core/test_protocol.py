"""The worker protocol as types: every event survives to_json -> from_json, and lines
that are not events (unknown, malformed, half-written) are told apart, never raised on."""

from __future__ import annotations

import json
import math

import pytest

from musiclab_desktop.core import protocol
from musiclab_desktop.core.protocol import (
    CancelledEvent,
    CheckpointEvent,
    CompletedEvent,
    DiskFullEvent,
    ErrorEvent,
    ErrorKind,
    EvalEvent,
    Event,
    MetricEvent,
    Phase,
    PhaseEvent,
    SampleEvent,
)

ONE_OF_EACH: list[Event] = [
    MetricEvent(step=3, values={"loss": 5.1, "learning_rate": 2e-4, "grad_norm": None},
                total_steps=10, epoch=0.3, time=1700000000.5),
    EvalEvent(step=5, values={"eval_loss": 4.2}, epoch=0.5, time=1.0),
    PhaseEvent(Phase.TRAINING, "Training for 10 steps", time=2.0),
    SampleEvent("calm tone", "samples/step-000010/sample-01-calm-tone.wav", 2.5, step=10,
                prompt_index=1, seed=1234, sample_rate=32_000, reference=False, time=3.0),
    CheckpointEvent(5, "/runs/1/checkpoints/step-000005", time=4.0),
    CompletedEvent("/runs/1/adapter", 0.25, 10, time=5.0),
    ErrorEvent("No clips.", ErrorKind.DATA, time=6.0),
    CancelledEvent(4, "/runs/1/checkpoints/step-000004", "owner_gone", "kept", time=7.0),
    DiskFullEvent("The disk is full.", "/runs/1/adapter", 5.0, time=8.0),
]


def test_one_of_each_covers_every_event_type() -> None:
    assert {event.type for event in ONE_OF_EACH} == protocol.EVENT_TYPES


@pytest.mark.parametrize("event", ONE_OF_EACH, ids=lambda event: event.type)
def test_every_event_survives_a_round_trip(event: Event) -> None:
    line = event.to_json()
    assert "\n" not in line and json.loads(line)["type"] == event.type
    assert Event.from_json(line) == event
    assert Event.from_json((line + "\n").encode()) == event  # bytes, newline and all
    assert type(event).from_json(line) == event


def test_defaults_round_trip_and_are_written() -> None:
    for event in (CompletedEvent("/a"), CancelledEvent(0), ErrorEvent("boom"),
                  MetricEvent(step=1, values={})):
        payload = json.loads(event.to_json())
        assert set(payload) == {"type", "time"} | set(vars(event))  # every field written
        assert Event.from_json(event.to_json()) == event


def test_missing_fields_that_have_defaults_read_as_defaults() -> None:
    # The shape of a completed line written without its step count.
    event = Event.from_json('{"type": "completed", "adapter_dir": "/a", "final_loss": 0.5}')
    assert event == CompletedEvent("/a", 0.5, None)
    error = Event.from_json('{"type": "error", "message": "x"}')
    assert error == ErrorEvent("x", ErrorKind.INTERNAL)


def test_a_sample_line_of_an_older_worker_still_reads() -> None:
    # Earlier workers wrote index/prompt/path/seconds only: read with the new defaults.
    event = SampleEvent.from_json('{"type": "sample", "index": 0, "prompt": "calm", '
                                  '"path": "/r/samples/a.wav", "seconds": 1.0}')
    assert event == SampleEvent("calm", "/r/samples/a.wav", 1.0)
    assert (event.step, event.seed, event.reference) == (0, 0, False)


def test_the_reference_flag_must_be_a_bool() -> None:
    reference = SampleEvent("calm", "a.wav", 1.0, reference=True).to_json()
    assert SampleEvent.from_json(reference) == SampleEvent("calm", "a.wav", 1.0, reference=True)
    assert SampleEvent.from_json(reference.replace("true", '"yes"')) is None


def test_non_numbers_are_nan_or_left_out_of_values() -> None:
    event = MetricEvent.from_json(
        '{"type": "metric", "step": 1, "values": {"loss": NaN, "lr": null, "note": "x"}}')
    assert event is not None and set(event.values) == {"loss", "lr"}
    assert math.isnan(event.values["loss"] or 0.0) and event.values["lr"] is None


def test_unknown_fields_are_ignored() -> None:
    event = Event.from_json('{"type": "phase", "phase": "done", "message": "", "later": 1}')
    assert event == PhaseEvent(Phase.DONE, "")


@pytest.mark.parametrize("line", [
    "",
    "plain terminal text",
    "{not json",
    "[1, 2]",
    '{"no_type": 1}',
    '{"type": "unknown", "step": 1}',
    '{"type": ["metric"]}',
    '{"type": "metric", "values": {"loss": 1.0}}',               # no step
    '{"type": "metric", "step": "3", "values": {}}',             # step not a number
    '{"type": "metric", "step": true, "values": {}}',            # a bool is not a step
    '{"type": "metric", "step": 3, "values": [1.0]}',            # values not a mapping
    '{"type": "error", "message": "x", "kind": "not_a_kind"}',   # kind outside ErrorKind
    '{"type": "phase", "phase": "dancing"}',                     # phase outside Phase
    '{"type": "completed", "adapter_dir": 3}',
    '{"type": "metric", "step": 1, "values": {"loss": 1.0}',     # cut short
])
def test_lines_that_are_not_events_give_none(line: str) -> None:
    assert Event.from_json(line) is None
    assert Event.from_json(line.encode()) is None


def test_a_subclass_reads_only_its_own_kind() -> None:
    line = PhaseEvent(Phase.SAVING, "x").to_json()
    assert MetricEvent.from_json(line) is None
    assert PhaseEvent.from_json(line) == PhaseEvent(Phase.SAVING, "x")


def test_error_kinds_are_one_enumeration() -> None:
    assert [kind.value for kind in ErrorKind] == [
        "model_unavailable", "out_of_memory", "data", "config", "internal"]


# --- the step mark ---------------------------------------------------------------------

def test_the_step_mark_is_found_exactly() -> None:
    text = f"epoch 1/3 done  {protocol.step_mark(12)}  loss 1.0\n{protocol.step_mark(120)}\n"
    assert protocol.step_mark_pattern(12).search(text) is not None
    assert [m.start() for m in protocol.step_mark_pattern(12).finditer(text)] == [
        text.index("step 12 ")]
    assert protocol.step_mark_pattern(13).search(text) is None


def test_nearest_marked_step_is_the_last_mark_at_or_before() -> None:
    text = "\n".join(protocol.step_mark(step) for step in (10, 20, 30))
    assert protocol.nearest_marked_step(text, 25) == 20
    assert protocol.nearest_marked_step(text, 30) == 30
    assert protocol.nearest_marked_step(text, 9) is None
    assert protocol.nearest_marked_step("no marks here", 5) is None
