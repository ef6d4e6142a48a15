"""The decision rules against a straightforward reference tally (random electorates, ballots, quorums
and thresholds), and ranked choice against a hand-checked table."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualaid.decisions import rules

pytestmark = pytest.mark.pure  # the rules import nothing from Django: no database here


def reference_quorum(voted: int, eligible: int, quorum: int) -> bool:
    if eligible == 0:
        return True
    return Fraction(voted, eligible) >= Fraction(quorum, 100)


def reference_share(part: int, whole: int, threshold: int) -> bool:
    return whole != 0 and Fraction(part, whole) > Fraction(threshold, 100)


def count(ballots: list[Any], value: Any) -> int:
    n = 0
    for ballot in ballots:
        if ballot == value:
            n += 1
    return n


def reference_passes(
    kind: str, ballots: list[Any], eligible: int, quorum: int, threshold: int, duration: bool
) -> bool:
    if not reference_quorum(len(ballots), eligible, quorum):
        return False
    if kind == rules.CONSENT:
        return count(ballots, "object") == 0
    if kind == rules.CONSENSUS:
        agree, disagree = count(ballots, "agree"), count(ballots, "disagree")
        return count(ballots, "block") == 0 and reference_share(agree, agree + disagree, threshold)
    if kind == rules.MAJORITY:
        yes, no = count(ballots, "yes"), count(ballots, "no")
        return reference_share(yes, yes + no, threshold)
    if kind == rules.SCORE:
        total = 0
        for ballot in ballots:
            total += ballot
        return duration and total >= 0
    raise AssertionError(kind)


@st.composite
def electorates(draw: Any, kind: str) -> tuple[int, list[Any], int, int, bool]:
    eligible = draw(st.integers(0, 40))
    voted = draw(st.integers(0, eligible))
    if kind == rules.SCORE:
        ballots = draw(st.lists(st.sampled_from(rules.SCORES), min_size=voted, max_size=voted))
    else:
        ballots = draw(st.lists(st.sampled_from(rules.POSITIONS[kind]), min_size=voted, max_size=voted))
    return eligible, ballots, draw(st.integers(0, 100)), draw(st.integers(0, 99)), draw(st.booleans())


@pytest.mark.parametrize("kind", [rules.CONSENT, rules.CONSENSUS, rules.MAJORITY, rules.SCORE])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_yes_no_rules_agree_with_the_reference_tally(kind: str, data: st.DataObject) -> None:
    eligible, ballots, quorum, threshold, duration = data.draw(electorates(kind))
    outcome = rules.tally(
        rules.Settings(
            kind=kind,
            eligible=eligible,
            quorum_percent=quorum,
            threshold_percent=threshold,
            duration_met=duration,
        ),
        ballots,
    )
    assert outcome.passed == reference_passes(kind, ballots, eligible, quorum, threshold, duration)
    assert outcome.quorum_met == reference_quorum(len(ballots), eligible, quorum)
    assert outcome.voted == len(ballots)
    if kind in rules.POSITIONS:
        assert sum(outcome.counts.values()) == len(ballots)
        for position in rules.POSITIONS[kind]:
            assert outcome.counts[position] == count(ballots, position)
    else:
        assert outcome.counts["sum"] == sum(ballots)


def test_the_edges_of_each_rule() -> None:
    def passes(kind: str, ballots: list[Any], **extra: Any) -> bool:
        return rules.tally(
            rules.Settings(kind=kind, eligible=extra.pop("eligible", 10), **extra), ballots
        ).passed

    assert passes(rules.CONSENT, ["agree", "abstain"])
    assert not passes(rules.CONSENT, ["agree"] * 9 + ["object"])  # one objection stops it
    assert not passes(rules.CONSENSUS, ["agree"] * 9 + ["block"])
    assert not passes(rules.MAJORITY, ["yes", "no"])  # a tie is not more than half
    assert passes(rules.MAJORITY, ["yes", "yes", "no"])
    assert not passes(
        rules.MAJORITY, ["yes", "yes", "no"], threshold_percent=67
    )  # two thirds is not more than 67 %
    assert passes(rules.MAJORITY, ["yes", "yes", "no"], threshold_percent=66)
    assert passes(rules.SCORE, [2, -2])  # the sum 0 passes
    assert not passes(rules.SCORE, [1, -2])
    assert not passes(rules.SCORE, [2, 2], duration_met=False)
    assert not passes(rules.CONSENT, ["agree"], quorum_percent=20)  # 1 of 10 is below 20 %
    assert passes(rules.CONSENT, ["agree", "agree"], quorum_percent=20)  # 2 of 10 is exactly 20 %


# Ranked choice: each row was counted by hand. (options in the order listed, ballots, winner, rounds)
RANKED_TABLE: list[tuple[str, tuple[str, ...], list[list[str]], str | None, list[dict[str, int]]]] = [
    (
        "a majority of first preferences wins in round 1",
        ("A", "B"),
        [["A"]] * 4 + [["B"]] * 3,
        "A",
        [{"A": 4, "B": 3}],
    ),
    (
        "transfers decide; a first-round tie is broken by fewest mentions (C is on 2 ballots, B on 4)",
        ("A", "B", "C"),
        [["A"]] * 3 + [["B", "A"]] * 2 + [["C", "B"]] * 2,
        "B",
        [{"A": 3, "B": 2, "C": 2}, {"A": 3, "B": 4}],
    ),
    (
        "exhausted ballots leave the count; a full tie eliminates the option listed last",
        ("A", "B", "C"),
        [["A"]] * 2 + [["B"]] * 2 + [["C"]],
        "A",
        [{"A": 2, "B": 2, "C": 1}, {"A": 2, "B": 2}, {"A": 2}],
    ),
    (
        "the backwards rule: tied in round 3 and round 2, C had fewer votes in round 1, so C goes",
        ("C", "A", "B", "D"),
        [["A"]] * 4 + [["B"]] * 3 + [["C"]] * 2 + [["D", "C"]] * 2,
        "A",
        [
            {"C": 2, "A": 4, "B": 3, "D": 2},
            {"C": 4, "A": 4, "B": 3},
            {"C": 4, "A": 4},
            {"A": 4},
        ],
    ),
    ("no ballots: no winner", ("A", "B"), [], None, [{"A": 0, "B": 0}]),
    (
        "second preferences carry the option behind in round 1",
        ("X", "Y", "Z"),
        [["X", "Z"]] * 4 + [["Y", "Z"]] * 3 + [["Z", "Y"]] * 2,
        "Y",
        [{"X": 4, "Y": 3, "Z": 2}, {"X": 4, "Y": 5}],
    ),
]


@pytest.mark.parametrize(
    ("case", "options", "ballots", "winner", "rounds"), RANKED_TABLE, ids=[r[0] for r in RANKED_TABLE]
)
def test_ranked_choice_against_the_hand_checked_table(
    case: str,
    options: tuple[str, ...],
    ballots: list[list[str]],
    winner: str | None,
    rounds: list[dict[str, int]],
) -> None:
    outcome = rules.tally(rules.Settings(kind=rules.RANKED, eligible=len(ballots), options=options), ballots)
    assert outcome.winner == winner, case
    assert outcome.rounds == rounds, case
    assert outcome.passed == (winner is not None)


def reference_runoff(ballots: list[list[str]], options: tuple[str, ...]) -> str | None:
    """Instant runoff written plainly, with the documented tie-break (previous rounds, mentions, last listed)."""
    alive = set(options)
    history: list[dict[str, int]] = []
    while alive:
        counts = dict.fromkeys(alive, 0)
        for ballot in ballots:
            top = next((o for o in ballot if o in alive), None)
            if top is not None:
                counts[top] += 1
        history.append(counts)
        total = sum(counts.values())
        if total == 0:
            return None
        for option, votes in counts.items():
            if 2 * votes > total:
                return option
        fewest = min(counts.values())
        tied = [o for o in alive if counts[o] == fewest]
        for past in reversed(history[:-1]):
            low = min(past[o] for o in tied)
            tied = [o for o in tied if past[o] == low]
        mentions = {o: sum(1 for b in ballots if o in b) for o in tied}
        low = min(mentions.values())
        tied = [o for o in tied if mentions[o] == low]
        alive.remove(max(tied, key=options.index))
    return None


@settings(max_examples=400, deadline=None)
@given(
    n_options=st.integers(2, 5),
    data=st.data(),
)
def test_ranked_choice_agrees_with_a_plain_runoff(n_options: int, data: st.DataObject) -> None:
    options = tuple("ABCDE"[:n_options])
    ballots = data.draw(
        st.lists(
            st.permutations(options).flatmap(lambda p: st.integers(1, len(p)).map(lambda k: list(p[:k]))),
            max_size=30,
        )
    )
    outcome = rules.tally(rules.Settings(kind=rules.RANKED, eligible=len(ballots), options=options), ballots)
    assert outcome.winner == reference_runoff(ballots, options)
    if outcome.winner is not None:
        final = outcome.rounds[-1]
        assert 2 * final[outcome.winner] > sum(final.values())  # the winner holds a majority of live ballots
    assert all(sum(r.values()) <= len(ballots) for r in outcome.rounds)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_time_poll_picks_the_best_time(data: st.DataObject) -> None:
    options = tuple(str(i) for i in range(data.draw(st.integers(1, 5))))
    eligible = data.draw(st.integers(0, 20))
    ballots = data.draw(
        st.lists(
            st.dictionaries(st.sampled_from(options), st.sampled_from(rules.AVAILABILITY), min_size=1),
            max_size=eligible,
        )
    )
    quorum = data.draw(st.integers(0, 100))
    outcome = rules.tally(
        rules.Settings(kind=rules.TIME_POLL, eligible=eligible, quorum_percent=quorum, options=options),
        ballots,
    )
    yes = {o: sum(1 for b in ballots if b.get(o) == "yes") for o in options}
    maybe = {o: sum(1 for b in ballots if b.get(o) == "maybe") for o in options}
    ranked = sorted(options, key=lambda o: (-yes[o], -(yes[o] + maybe[o]), int(o)))
    best = ranked[0]
    expected_winner = best if yes[best] else None
    assert outcome.winner == expected_winner
    assert outcome.passed == (
        expected_winner is not None and reference_quorum(len(ballots), eligible, quorum)
    )


def test_ballots_of_the_wrong_shape_are_refused() -> None:
    for kind, bad in [
        (rules.CONSENT, "yes"),
        (rules.MAJORITY, "block"),
        (rules.SCORE, 3),
        (rules.SCORE, True),
        (rules.SCORE, "1"),
        (rules.RANKED, []),
        (rules.RANKED, ["A", "A"]),
        (rules.RANKED, ["Q"]),
        (rules.TIME_POLL, {"A": "perhaps"}),
        (rules.TIME_POLL, {"Q": "yes"}),
        (rules.TIME_POLL, {}),
    ]:
        with pytest.raises(rules.BallotError):
            rules.check_ballot(kind, bad, ("A", "B"))
    assert rules.check_ballot(rules.RANKED, ["B"], ("A", "B")) == ["B"]
