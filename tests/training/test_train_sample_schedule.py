"""When samples are made, from which prompts, with which seeds (training/sample_schedule.py)."""

from __future__ import annotations

import pytest

from musiclab_desktop.training.sample_schedule import (
    SAMPLING_SHARE,
    SampleSchedule,
    choose_prompts,
    prompt_seed,
    sample_path,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def schedule(clock: FakeClock, *, every: int = 0, save_every: int = 0, per_epoch: int = 10,
             total: int = 100) -> SampleSchedule:
    return SampleSchedule(every_steps=every, save_every_steps=save_every,
                          steps_per_epoch=per_epoch, total_steps=total, started=0.0, clock=clock)


def simulate(plan: SampleSchedule, clock: FakeClock, *, setup_s: float, step_s: float,
             round_s: float) -> tuple[list[int], float]:
    """A whole run: setup, the reference round, the steps, the end round. The steps
    sampled during training, and the share of the run's time the rounds between the two
    ends took."""
    clock.now = setup_s
    clock.now += round_s
    plan.note_round(0, round_s)
    plan.training_starts(0)
    taken = []
    for step in range(1, plan.total_steps + 1):
        clock.now += step_s
        if plan.due(step):
            taken.append(step)
            clock.now += round_s
            plan.note_round(step, round_s)
    clock.now += round_s  # the end round
    return taken, plan.spent_in_training / clock.now


def test_an_explicit_interval_is_kept_and_never_at_the_ends() -> None:
    clock = FakeClock()
    plan = schedule(clock, every=30, total=100)
    taken, _ = simulate(plan, clock, setup_s=1, step_s=0.01, round_s=50)  # dear rounds
    assert taken == [30, 60, 90]


def test_cheap_rounds_come_once_per_epoch() -> None:
    clock = FakeClock()
    plan = schedule(clock, per_epoch=10, total=50)
    taken, share = simulate(plan, clock, setup_s=5, step_s=1.0, round_s=0.5)
    assert taken == [10, 20, 30, 40]  # 50 is the end round
    assert share <= SAMPLING_SHARE


def test_checkpoints_are_offered_too() -> None:
    clock = FakeClock()
    plan = schedule(clock, per_epoch=40, save_every=15, total=80)
    taken, _ = simulate(plan, clock, setup_s=5, step_s=1.0, round_s=0.5)
    assert taken == [15, 30, 40, 45, 60, 75]


@pytest.mark.parametrize(("step_s", "round_s"), [(1.0, 2.0), (0.5, 8.0), (2.0, 30.0), (0.1, 3)])
def test_dear_rounds_are_spaced_to_stay_within_the_share(step_s: float, round_s: float) -> None:
    clock = FakeClock()
    plan = schedule(clock, per_epoch=5, total=400)
    taken, share = simulate(plan, clock, setup_s=20, step_s=step_s, round_s=round_s)
    assert share <= SAMPLING_SHARE + 1e-9
    assert plan.skipped  # offers were declined...
    if taken:  # ...and the ones made spread over the run, not bunched at its start
        assert taken[-1] > 400 / 2
        gaps = [b - a for a, b in zip([0, *taken], taken, strict=False)]
        assert max(gaps) <= 3 * min(gaps)


def test_a_round_dearer_than_the_share_allows_makes_none_between_the_ends() -> None:
    clock = FakeClock()
    plan = schedule(clock, per_epoch=2, total=10)
    taken, share = simulate(plan, clock, setup_s=2, step_s=0.1, round_s=10)
    assert taken == [] and share == 0.0


def test_a_resumed_run_times_its_steps_from_where_it_resumed() -> None:
    clock = FakeClock()
    plan = schedule(clock, per_epoch=10, total=100)
    clock.now = 500.0  # a long first session; the resumed one starts at step 60
    plan.note_round(0, 1.0)
    plan.training_starts(60)
    clock.now += 10 * 1.0
    assert plan.due(70)  # 1 s steps, 1 s rounds: cheap
    assert not plan.due(65)  # not an epoch end


def test_prompts_given_win_else_two_captions_of_the_held_out_clips_first() -> None:
    assert choose_prompts(["mine"], ["held"], ["train"]) == ["mine"]
    assert choose_prompts([], ["held out  one"], ["a", "b"]) == ["held out one", "a"]
    assert choose_prompts([], [], ["a", "a", "", "b", "c"]) == ["a", "b"]
    assert choose_prompts([], [], ["", "  "]) == []


def test_seeds_are_fixed_per_prompt_and_run_seed() -> None:
    assert prompt_seed(42, 0) == prompt_seed(42, 0)
    seeds = {prompt_seed(seed, index) for seed in (0, 1, 42, 2**31 - 1) for index in range(4)}
    assert len(seeds) == 16 and all(0 <= seed < 2**31 for seed in seeds)


def test_sample_paths_are_per_step_and_safe_for_any_prompt() -> None:
    assert sample_path(40, 0, "Calm piano, rain!") == (
        "samples/step-000040/sample-01-calm-piano-rain.wav")
    assert sample_path(0, 11, "../../etc \x1b[31m") == "samples/step-000000/sample-12-etc-31m.wav"
    assert sample_path(3, 1, "\u266a\u266a") == "samples/step-000003/sample-02-sample.wav"
