"""Reads about funds, scoped to what the asker may see. Transparency figures carry no names."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core import rows
from mutualaid.core.categories import Category
from mutualaid.funds.models import (
    Account,
    AccountKind,
    Entry,
    Fund,
    Pledge,
    Request,
    RequestStatus,
    Transaction,
    TransactionKind,
    Visibility,
)
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership


def funds_visible(group: Group, membership: Membership) -> QuerySet[Fund]:
    funds = Fund.objects.filter(group=group)
    if not membership.is_coordinator:
        funds = funds.exclude(visibility=Visibility.COORDINATORS)
    return funds.order_by("name")


def funds_public(group: Group) -> QuerySet[Fund]:
    """Funds whose transparency pages anyone may read: linked from the group's public page and directory entry."""
    return Fund.objects.filter(group=group, visibility=Visibility.PUBLIC).order_by("name")


def public_funds_by_group(group_ids: list[int]) -> dict[int, list[Fund]]:
    """Public funds of many groups in one query (the directory's results)."""
    found: dict[int, list[Fund]] = {}
    if not group_ids:
        return found
    # On every directory search, written out (`core.rows`): the ORM took about 0.3 ms of CPU to build it.
    marks = ", ".join(["%s"] * len(group_ids))
    for (fund,) in rows.many(
        [(Fund, "f")],
        f"FROM {rows.table(Fund, 'f')} WHERE f.visibility = %s AND f.group_id IN ({marks}) ORDER BY f.name, f.id",
        [Visibility.PUBLIC.value, *group_ids],
    ):
        found.setdefault(fund.group_id, []).append(fund)
    return found


def fund_balances(fund: Fund) -> dict[str, int]:
    """Each account's balance as people think of it (contributions positive)."""
    return {a.kind: a.natural_balance for a in Account.objects.filter(fund=fund)}


def balances_for(funds: list[Fund]) -> dict[int, int]:
    accounts = Account.objects.filter(fund__in=funds, kind=AccountKind.BALANCE)
    return {a.fund_id: a.balance for a in accounts}


def requests_visible(fund: Fund, user: object, membership: Membership) -> QuerySet[Request]:
    requests = (
        Request.objects.filter(fund=fund).select_related("requested_by").prefetch_related("approvals__voter")
    )
    if membership.is_coordinator or fund.members_may_approve():
        return requests
    return requests.filter(requested_by=user)  # type: ignore[misc]  # a member's request.user, signed in


def open_requests(fund: Fund) -> QuerySet[Request]:
    return Request.objects.filter(fund=fund, status__in=[RequestStatus.OPEN, RequestStatus.APPROVED])


def pledge_horizon(*, within_days: int = 7) -> datetime.date:
    """Pledges due on or before this day are 'due': within a week, or overdue."""
    return timezone.localdate() + datetime.timedelta(days=within_days)


def pledges_due(fund: Fund, *, within_days: int = 7) -> QuerySet[Pledge]:
    """Active pledges due within a week or overdue: the reminder coordinators see on the fund page."""
    return Pledge.objects.filter(
        fund=fund, active=True, next_due__lte=pledge_horizon(within_days=within_days)
    ).order_by("next_due")


def pledges_active(fund: Fund) -> QuerySet[Pledge]:
    return Pledge.objects.filter(fund=fund, active=True).order_by("next_due", "pk")


def ledger(fund: Fund, *, limit: int = 200) -> QuerySet[Transaction]:
    return (
        Transaction.objects.filter(fund=fund)
        .select_related("reverses")
        .prefetch_related("reversed_by")
        .order_by("-occurred_on", "-pk")[:limit]
    )


def line_label(kind: str, category: str) -> str:
    """What a transaction was, in words, without saying who: 'Disbursement: Housing & eviction defense'."""
    label = str(TransactionKind(kind).label)
    if category and kind != TransactionKind.CONTRIBUTION:
        try:
            return f"{label}: {Category(category).label}"
        except ValueError:
            return label
    return label


@dataclass
class MonthRow:
    month: datetime.date
    money_in: int = 0
    money_out: int = 0

    @property
    def net(self) -> int:
        return self.money_in - self.money_out


@dataclass
class LineRow:
    label: str
    money_in: int = 0
    money_out: int = 0


@dataclass
class PublicTransaction:
    occurred_on: datetime.date
    label: str
    amount: int  # signed, as it moved the fund's balance


@dataclass
class Transparency:
    fund: Fund
    balance: int
    pending: int
    total_in: int
    total_out: int
    months: list[MonthRow] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    transactions: list[PublicTransaction] = field(default_factory=list)
    series: list[tuple[datetime.date, int]] = field(default_factory=list)


def transparency(fund: Fund, *, recent: int = 50) -> Transparency:
    """The fund's money in and out by month and by category, its balance over time, no names at all."""
    balances = fund_balances(fund)
    entries = (
        Entry.objects.filter(account__fund=fund, account__kind=AccountKind.BALANCE)
        .values_list(
            "amount",
            "transaction__occurred_on",
            "transaction__kind",
            "transaction__category",
            "transaction__pk",
        )
        .order_by("transaction__occurred_on", "transaction__pk")
    )
    months: dict[datetime.date, MonthRow] = {}
    lines: dict[str, LineRow] = {}
    daily: dict[datetime.date, int] = {}
    moves: list[PublicTransaction] = []
    for amount, day, kind, category, _pk in entries:
        month = day.replace(day=1)
        row = months.setdefault(month, MonthRow(month))
        label = line_label(kind, category)
        line = lines.setdefault(label, LineRow(label))
        if amount > 0:
            row.money_in += amount
            line.money_in += amount
        else:
            row.money_out -= amount
            line.money_out -= amount
        daily[day] = daily.get(day, 0) + amount
        moves.append(PublicTransaction(day, label, amount))
    running = 0
    series = []
    for day in sorted(daily):
        running += daily[day]
        series.append((day, running))
    return Transparency(
        fund=fund,
        balance=balances.get(AccountKind.BALANCE, 0),
        pending=balances.get(AccountKind.PENDING, 0),
        total_in=sum(m.money_in for m in months.values()),
        total_out=sum(m.money_out for m in months.values()),
        months=sorted(months.values(), key=lambda m: m.month, reverse=True),
        lines=sorted(lines.values(), key=lambda r: r.label),
        transactions=list(reversed(moves))[:recent],
        series=series,
    )


# The balance chart: plain SVG drawn on the server, no JavaScript, no inline styles.

CHART_WIDTH = 400
CHART_HEIGHT = 240
_PAD_LEFT, _PAD_RIGHT, _PAD_TOP, _PAD_BOTTOM = 10, 10, 30, 34


@dataclass
class Chart:
    width: int
    height: int
    points: str
    zero_y: float
    top_label: int
    bottom_label: int
    first_day: datetime.date | None
    last_day: datetime.date | None
    description: str


def balance_chart(series: list[tuple[datetime.date, int]], currency: str) -> Chart | None:
    """A step line of the balance at the end of each day with money moving, scaled into the SVG box."""
    from mutualaid.funds.money import format_money

    if not series:
        return None
    if len(series) == 1:
        series = [(series[0][0] - datetime.timedelta(days=1), 0), *series]
    first, last = series[0][0], series[-1][0]
    span_days = max((last - first).days, 1)
    low = min(0, *(v for _d, v in series))
    high = max(0, *(v for _d, v in series))
    span_value = max(high - low, 1)
    inner_w = CHART_WIDTH - _PAD_LEFT - _PAD_RIGHT
    inner_h = CHART_HEIGHT - _PAD_TOP - _PAD_BOTTOM

    def x(day: datetime.date) -> float:
        return round(_PAD_LEFT + inner_w * (day - first).days / span_days, 1)

    def y(value: int) -> float:
        return round(_PAD_TOP + inner_h * (high - value) / span_value, 1)

    coordinates: list[str] = []
    previous: int | None = None
    for day, value in series:
        if previous is not None:
            coordinates.append(f"{x(day)},{y(previous)}")
        coordinates.append(f"{x(day)},{y(value)}")
        previous = value
    description = _("Balance from %(first)s (%(start)s) to %(last)s (%(end)s); highest %(high)s.") % {
        "first": first.isoformat(),
        "start": format_money(series[0][1], currency),
        "last": last.isoformat(),
        "end": format_money(series[-1][1], currency),
        "high": format_money(high, currency),
    }
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        points=" ".join(coordinates),
        zero_y=y(0),
        top_label=high,
        bottom_label=low,
        first_day=first,
        last_day=last,
        description=description,
    )
