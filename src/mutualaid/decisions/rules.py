"""The decision rules, pure: given an electorate's size, the ballots and a proposal's settings, what
was decided. No Django here (an import-linter contract keeps it so); `services.close` stores the result.

Common to every type:
- quorum: passes only when `voted * 100 >= quorum_percent * eligible` (everyone who cast any ballot,
  abstentions included, counts towards the quorum);
- threshold: "more than `threshold_percent` per cent" — `yes * 100 > threshold_percent * (yes + no)`,
  so the default 50 is a simple majority and a tie does not pass.

Types:
- consent: agree / abstain / object. Passes unless someone objects.
- consensus: agree / abstain / disagree / block. Passes when no one blocks and the agreeing share of
  agree + disagree is more than the threshold.
- majority: yes / no / abstain. Passes when the yes share of yes + no is more than the threshold.
- score: each voter gives -2…+2. Passes when the sum is >= 0, and only once the minimum duration has
  passed (a score proposal closed earlier does not pass).
- ranked: instant runoff over the options; see `instant_runoff` for rounds and tie-breaking. Passes
  when there is a winner.
- time poll: for each option (a meeting time) yes / maybe / no. The best option has the most yes,
  then the most yes + maybe, then comes first in the list. Passes when the best option has a yes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CONSENT = "consent"
CONSENSUS = "consensus"
MAJORITY = "majority"
SCORE = "score"
RANKED = "ranked"
TIME_POLL = "time_poll"
KINDS = (CONSENT, CONSENSUS, MAJORITY, SCORE, RANKED, TIME_POLL)

# The positions a ballot may take, per type (score, ranked and time poll ballots carry their own shape).
POSITIONS: dict[str, tuple[str, ...]] = {
    CONSENT: ("agree", "abstain", "object"),
    CONSENSUS: ("agree", "abstain", "disagree", "block"),
    MAJORITY: ("yes", "no", "abstain"),
}
# Positions that need a reason when the proposal asks for reasons.
OBJECTIONS = frozenset({"object", "block"})
SCORES = (-2, -1, 0, 1, 2)
AVAILABILITY = ("yes", "maybe", "no")


class BallotError(ValueError):
    """A ballot that does not fit the proposal's type or options."""


@dataclass(frozen=True)
class Settings:
    kind: str
    eligible: int
    quorum_percent: int = 0
    threshold_percent: int = 50
    options: tuple[str, ...] = ()  # ranked and time poll: option keys, in the order listed
    duration_met: bool = True  # score: the minimum duration has passed


@dataclass
class Outcome:
    passed: bool
    quorum_met: bool
    voted: int
    eligible: int
    counts: dict[str, int] = field(default_factory=dict)
    winner: str | None = None
    rounds: list[dict[str, int]] = field(default_factory=list)  # ranked: first preferences per round
    reason: str = (
        ""  # why it did not pass: "quorum", "objection", "block", "threshold", "duration", "no_winner"
    )

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "quorum_met": self.quorum_met,
            "voted": self.voted,
            "eligible": self.eligible,
            "counts": dict(self.counts),
            "winner": self.winner,
            "rounds": [dict(r) for r in self.rounds],
            "reason": self.reason,
        }


def check_ballot(kind: str, choice: Any, options: Sequence[str] = ()) -> Any:
    """The ballot in its canonical shape, or BallotError. Positions are strings; a score is an int;
    a ranking a list of distinct option keys (partial rankings allowed, at least one); a time-poll
    ballot a mapping option -> yes/maybe/no covering some options (unanswered options count as no)."""
    if kind in POSITIONS:
        if choice not in POSITIONS[kind]:
            raise BallotError("position")
        return choice
    if kind == SCORE:
        if isinstance(choice, bool) or not isinstance(choice, int) or choice not in SCORES:
            raise BallotError("score")
        return choice
    if kind == RANKED:
        if not isinstance(choice, list | tuple) or not choice:
            raise BallotError("ranking")
        ranking = [str(c) for c in choice]
        if len(set(ranking)) != len(ranking) or not set(ranking) <= set(options):
            raise BallotError("ranking")
        return ranking
    if kind == TIME_POLL:
        if not isinstance(choice, Mapping) or not choice:
            raise BallotError("availability")
        answers = {str(k): v for k, v in choice.items()}
        if not set(answers) <= set(options) or any(v not in AVAILABILITY for v in answers.values()):
            raise BallotError("availability")
        return answers
    raise BallotError("kind")


def quorum_met(voted: int, eligible: int, quorum_percent: int) -> bool:
    return voted * 100 >= quorum_percent * eligible


def more_than(part: int, whole: int, percent: int) -> bool:
    """`part` is more than `percent` per cent of `whole` (nothing of nothing is not more than anything)."""
    return whole > 0 and part * 100 > percent * whole


def instant_runoff(
    rankings: Sequence[Sequence[str]], options: Sequence[str]
) -> tuple[str | None, list[dict[str, int]]]:
    """Instant runoff. Each round counts every ballot for its highest-ranked option still standing
    (ballots with none left are exhausted and leave the count). An option with more than half of the
    ballots still counting wins. Otherwise the option with the fewest votes is eliminated.

    Tie-breaking for elimination, in order:
    1. fewest votes this round;
    2. among those tied, fewest votes in the previous round, then the one before, back to round 1
       (the "backwards" rule);
    3. still tied: fewest ballots ranking the option anywhere;
    4. still tied: the option listed last on the proposal is eliminated.
    When every ballot is exhausted there is no winner. Returns (winner or None, the counts per round).
    """
    standing = list(options)
    rounds: list[dict[str, int]] = []
    mentions = Counter(option for ranking in rankings for option in set(ranking))
    while standing:
        tally = dict.fromkeys(standing, 0)
        for ranking in rankings:
            for option in ranking:
                if option in tally:
                    tally[option] += 1
                    break
        rounds.append(tally)
        counting = sum(tally.values())
        if counting == 0:
            return None, rounds
        leader = max(standing, key=lambda o: tally[o])
        if tally[leader] * 2 > counting:
            return leader, rounds
        if len(standing) == 1:  # cannot happen: a lone option with votes has them all
            return standing[0], rounds

        def weakness(option: str) -> tuple[Any, ...]:
            history = tuple(r.get(option, 0) for r in reversed(rounds))
            return (*history, mentions[option], -options.index(option))

        standing.remove(min(standing, key=weakness))
    return None, rounds


def best_time(
    answers: Sequence[Mapping[str, str]], options: Sequence[str]
) -> tuple[str | None, dict[str, int]]:
    """The time poll's best option (most yes, then most yes + maybe, then listed first) and counts
    `"<option>:yes"`, `"<option>:maybe"` per option."""
    counts: dict[str, int] = {}
    for option in options:
        counts[f"{option}:yes"] = sum(1 for a in answers if a.get(option) == "yes")
        counts[f"{option}:maybe"] = sum(1 for a in answers if a.get(option) == "maybe")
    if not options:
        return None, counts
    best = min(
        options,
        key=lambda o: (
            -counts[f"{o}:yes"],
            -(counts[f"{o}:yes"] + counts[f"{o}:maybe"]),
            options.index(o),
        ),
    )
    return best, counts


def tally(settings: Settings, ballots: Sequence[Any]) -> Outcome:
    """Decide. `ballots` are the canonical ballots (see `check_ballot`), one per voter who voted."""
    kind = settings.kind
    voted = len(ballots)
    quorum = quorum_met(voted, settings.eligible, settings.quorum_percent)
    outcome = Outcome(passed=False, quorum_met=quorum, voted=voted, eligible=settings.eligible)
    reason = ""
    if kind in POSITIONS:
        counts = Counter(ballots)
        outcome.counts = {p: counts.get(p, 0) for p in POSITIONS[kind]}
        c = outcome.counts
        if kind == CONSENT:
            reason = "objection" if c["object"] else ""
        elif kind == CONSENSUS:
            if c["block"]:
                reason = "block"
            elif not more_than(c["agree"], c["agree"] + c["disagree"], settings.threshold_percent):
                reason = "threshold"
        elif not more_than(c["yes"], c["yes"] + c["no"], settings.threshold_percent):
            reason = "threshold"
    elif kind == SCORE:
        total = sum(ballots)
        outcome.counts = {"sum": total, **{str(s): sum(1 for b in ballots if b == s) for s in SCORES}}
        if not settings.duration_met:
            reason = "duration"
        elif total < 0:
            reason = "threshold"
    elif kind == RANKED:
        winner, rounds = instant_runoff(ballots, settings.options)
        outcome.winner, outcome.rounds = winner, rounds
        outcome.counts = dict(rounds[0]) if rounds else {}
        reason = "" if winner else "no_winner"
    elif kind == TIME_POLL:
        best, availability = best_time(ballots, settings.options)
        outcome.counts = availability
        if best is not None and availability[f"{best}:yes"] > 0:
            outcome.winner = best
        else:
            reason = "no_winner"
    else:
        raise BallotError("kind")
    if not quorum:
        reason = "quorum"
    outcome.reason = reason
    outcome.passed = not reason
    return outcome
