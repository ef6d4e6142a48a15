"""How fast the ledger posts when many coordinators pay from one fund at once.

    DATABASE_URL=postgres://... MUTUALAID_DATA_DIR=... python bench/funds_payments.py [--threads 8] [--payments 400]

Creates a throwaway group and fund, approves N requests, then pays them from T threads at once (each
payment locks the fund's account rows), and reports payments per second, the final balance and whether
the ledger still balances. Also times single-threaded contributions. Run it against a scratch database.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")

import django

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Sum  # noqa: E402

from mutualaid.funds import services  # noqa: E402
from mutualaid.funds.models import Account, Entry  # noqa: E402
from mutualaid.groups.models import Group  # noqa: E402
from mutualaid.members.models import Membership, User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--payments", type=int, default=400)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    tag = uuid.uuid4().hex[:8]
    group = Group.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    coordinator = User.objects.create_user(f"coord-{tag}", password=None, display_name="Coordinator")
    asker = User.objects.create_user(f"asker-{tag}", password=None, display_name="Asker")
    Membership.objects.create(user=coordinator, group=group, role="coordinator")
    Membership.objects.create(user=asker, group=group)
    fund = services.fund_create(group=group, name="Bench fund", single_approval_limit=10_000_00)

    started = time.perf_counter()
    for _ in range(200):
        services.contribution_record(
            fund=fund, amount=1_00, currency="USD", method="cash", recorded_by=coordinator
        )
    contributions = 200 / (time.perf_counter() - started)
    # Enough money for three quarters of the payments: the rest must be refused, never overdrawn.
    target = args.payments * 3 // 4 * 5_00
    if target > 200 * 1_00:
        services.contribution_record(
            fund=fund, amount=target - 200 * 1_00, currency="USD", method="bank", recorded_by=coordinator
        )
    asks = []
    for _ in range(args.payments):
        ask = services.request_create(
            fund=fund, requested_by=asker, amount=5_00, currency="USD", purpose="bench"
        )
        asks.append(services.request_approve(request=ask, voter=coordinator))

    chunks = [asks[i :: args.threads] for i in range(args.threads)]
    refused = [0] * args.threads
    barrier = threading.Barrier(args.threads)

    def work(index: int) -> None:
        barrier.wait()
        try:
            for ask in chunks[index]:
                try:
                    services.request_pay(request=ask, paid_by=coordinator, method="cash")
                except ValidationError:  # refused for lack of money: counted; anything else is a failure
                    refused[index] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(args.threads)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    balance = Account.objects.get(fund=fund, kind="balance")
    sums_match = all(
        a.balance == (Entry.objects.filter(account=a).aggregate(s=Sum("amount"))["s"] or 0)
        for a in Account.objects.filter(fund=fund)
    )
    print(f"database: {connection.vendor}")
    print(f"contributions, one thread: {contributions:.0f}/s")
    print(
        f"payments attempted: {args.payments} from {args.threads} threads in {elapsed:.2f}s "
        f"({args.payments / elapsed:.0f}/s); refused for lack of money: {sum(refused)}"
    )
    print(
        f"final balance: {balance.balance} minor units; every account equals the sum of its entries: {sums_match}"
    )


if __name__ == "__main__":
    main()
