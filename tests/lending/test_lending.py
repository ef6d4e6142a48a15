"""The lending library end to end: request, hold, waitlist order, two-tap loan and return, reminders,
repairs, circulation, the lender's own rights, pages in Spanish, the API and retention."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mutualaid.channels.models import Notice
from mutualaid.lending import services
from mutualaid.lending.models import Item, Loan, LoanState, Repair
from tests.helpers import without_random


def test_first_request_holds_the_item_and_the_rest_wait_in_order(
    drill: Any, ben: Any, fay: Any, ida: Any, ada: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = services.request(item=drill, member=ben)
    second = services.request(item=drill, member=fay)
    third = services.request(item=drill, member=ida)
    assert [first.state, second.state, third.state] == ["ready", "waiting", "waiting"]
    with pytest.raises(ValidationError):
        services.request(item=drill, member=ben)
    out = services.lend(loan=first, actor=ada)
    assert out.state == "out" and out.lent_by == ada
    assert out.due_on == timezone.localdate() + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        services.give_back(loan=out, actor=ada)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.state, third.state) == ("ready", "waiting")
    assert Notice.objects.filter(user=fay, kind="lending_ready").count() == 1
    assert not Notice.objects.filter(user=ida).exists()
    # Fay withdraws: the hold passes to Ida.
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(loan=second, actor=fay)
    third.refresh_from_db()
    assert third.state == "ready"
    assert Notice.objects.filter(user=ida, kind="lending_ready").count() == 1


def test_only_a_coordinator_or_the_lender_hands_over(
    drill: Any, ladder: Any, ben: Any, fay: Any, ida: Any
) -> None:
    held = services.request(item=drill, member=ben)
    with pytest.raises(PermissionDenied):
        services.lend(loan=held, actor=ben)
    with pytest.raises(PermissionDenied):
        services.lend(loan=held, actor=fay)  # fay lends her ladder, not the group's drill
    # Fay's own ladder: she records hand-over and return herself, without being a coordinator.
    mine = services.request(item=ladder, member=ben)
    assert services.lend(loan=mine, actor=fay).state == "out"
    with pytest.raises(PermissionDenied):
        services.give_back(loan=mine, actor=ben)
    assert services.give_back(loan=mine, actor=fay).state == "returned"
    with pytest.raises(ValidationError):
        services.request(item=ladder, member=fay)  # one's own item


def test_a_member_adds_only_their_own_items(crown: Any, ben: Any) -> None:
    with pytest.raises(ValidationError):
        services.item_create(group=crown, actor=ben, data=services.ItemInput(name="Group tent"))
    item = services.item_create(group=crown, actor=ben, data=services.ItemInput(name="My tent", own=True))
    assert item.lender == ben
    assert Item.objects.filter(name__isnull=False).count() == 1


def test_the_database_refuses_a_second_holder(drill: Any, ben: Any, fay: Any) -> None:
    services.request(item=drill, member=ben)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(item=drill, member=fay, state=LoanState.READY)


def test_out_of_circulation_stops_requests_and_requeues_a_hold(
    drill: Any, ben: Any, fay: Any, ada: Any
) -> None:
    held = services.request(item=drill, member=ben)
    services.set_circulation(item=drill, actor=ada, in_circulation=False)
    held.refresh_from_db()
    assert held.state == "waiting"
    with pytest.raises(ValidationError):
        services.request(item=drill, member=fay)
    services.set_circulation(item=drill, actor=ada, in_circulation=True)
    held.refresh_from_db()
    assert held.state == "ready"


def test_repair_log_sets_the_condition(drill: Any, ada: Any, ben: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.repair_log(item=drill, actor=ben, note="Chuck slips", condition="repair")
    with pytest.raises(ValidationError):
        services.repair_log(item=drill, actor=ada, note="  ", condition="repair")
    services.repair_log(item=drill, actor=ada, note="Chuck slips", condition="repair")
    drill.refresh_from_db()
    assert drill.condition == "repair"
    assert Repair.objects.get(item=drill).note == "Chuck slips"


def test_reminders_before_and_after_the_due_date_once_each(
    drill: Any, ben: Any, ada: Any, django_capture_on_commit_callbacks: Any
) -> None:
    loan = services.lend(loan=services.request(item=drill, member=ben), actor=ada)
    due = loan.due_on

    def at(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=at(due - datetime.timedelta(days=5))) == (0, 0)
        assert services.send_reminders(now=at(due - datetime.timedelta(days=2))) == (1, 0)
        assert services.send_reminders(now=at(due - datetime.timedelta(days=1))) == (0, 0)
        assert services.send_reminders(now=at(due)) == (0, 0)
        assert services.send_reminders(now=at(due + datetime.timedelta(days=1))) == (0, 1)
        assert services.send_reminders(now=at(due + datetime.timedelta(days=3))) == (0, 0)
    kinds = list(Notice.objects.filter(user=ben).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["lending_due_soon", "lending_overdue"]


def test_two_taps_in_the_browserless_pages(client_for: Any, drill: Any, ben: Any, ada: Any) -> None:
    member = client_for(ben)
    page = member.get(reverse("lending_item", args=["crown", drill.pk])).content.decode()
    assert "Cordless drill" in page and "Request" in page
    member.post(reverse("lending_request", args=["crown", drill.pk]))
    loan = Loan.objects.get(item=drill, member=ben)
    assert loan.state == "ready"
    coordinator = client_for(ada)
    assert (
        "Lend to Ben" in coordinator.get(reverse("lending_item", args=["crown", drill.pk])).content.decode()
    )
    coordinator.post(reverse("lending_loan", args=["crown", loan.pk, "lend"]))
    loan.refresh_from_db()
    assert loan.state == "out"
    # The member sees their own loan's due date; the list shows it on loan.
    assert "on loan" in member.get(reverse("lending_list", args=["crown"])).content.decode()
    coordinator.post(reverse("lending_loan", args=["crown", loan.pk, "return"]))
    loan.refresh_from_db()
    assert loan.state == "returned"
    assert coordinator.post(reverse("lending_loan", args=["crown", loan.pk, "steal"])).status_code == 404


def test_waiting_members_names_are_for_managers_only(
    client_for: Any, drill: Any, ben: Any, fay: Any, ada: Any
) -> None:
    services.request(item=drill, member=ben)
    services.request(item=drill, member=fay)
    as_fay = client_for(fay).get(reverse("lending_item", args=["crown", drill.pk])).content.decode()
    assert "number 1 on the waitlist" in as_fay and "Ben" not in without_random(as_fay.split("<main", 1)[-1])
    as_ada = client_for(ada).get(reverse("lending_item", args=["crown", drill.pk])).content.decode()
    assert "Waitlist" in as_ada and "Fay" in as_ada


def test_pages_speak_spanish(client_for: Any, drill: Any, ben: Any) -> None:
    ben.language = "es"
    ben.save(update_fields=["language"])
    client = client_for(ben)
    page = client.get(reverse("lending_item", args=["crown", drill.pk])).content.decode()
    assert "Biblioteca de préstamo" in page and "Pedir" in page and "se presta por 7 días" in page
    assert "Buen estado" in page


def test_api_parity(api_for: Any, drill: Any, ben: Any, ada: Any) -> None:
    member, coordinator = api_for(ben), api_for(ada)
    listed = member.get("/api/v1/groups/crown/lending").json()
    assert [row["status"] for row in listed] == ["available"]
    made = member.post(f"/api/v1/groups/crown/lending/{drill.pk}/requests", content_type="application/json")
    assert made.status_code == 201 and made.json()["state"] == "ready"
    again = member.post(f"/api/v1/groups/crown/lending/{drill.pk}/requests", content_type="application/json")
    assert again.status_code == 422
    loan_id = made.json()["id"]
    assert member.post(f"/api/v1/groups/crown/lending/loans/{loan_id}/lend").status_code == 403
    lent = coordinator.post(f"/api/v1/groups/crown/lending/loans/{loan_id}/lend")
    assert lent.status_code == 200 and lent.json()["due_on"]
    detail = member.get(f"/api/v1/groups/crown/lending/{drill.pk}").json()
    assert detail["status"] == "on_loan" and detail["mine"]["state"] == "out" and detail["waitlist"] == []
    assert (
        coordinator.post(f"/api/v1/groups/crown/lending/loans/{loan_id}/return").json()["state"] == "returned"
    )


def test_closed_loans_go_after_the_retention_period(drill: Any, ben: Any, ada: Any, settings: Any) -> None:
    from mutualaid.core.retention import purge_expired

    loan = services.give_back(
        loan=services.lend(loan=services.request(item=drill, member=ben), actor=ada), actor=ada
    )
    open_loan = services.request(item=drill, member=ben)
    Loan.objects.filter(pk=loan.pk).update(closed_at=timezone.now() - datetime.timedelta(days=400))
    settings.MUTUALAID_RETENTION_DAYS = 30
    purge_expired()
    assert not Loan.objects.filter(pk=loan.pk).exists()
    assert Loan.objects.filter(pk=open_loan.pk).exists()


def test_the_worker_runs_the_reminders_hourly(drill: Any, ben: Any, ada: Any) -> None:
    from mutualaid.core.registry import periodic_jobs
    from mutualaid.lending import tasks

    job = next(p for p in periodic_jobs() if p.name == "lending.reminders")
    assert job.task_path == "mutualaid.lending.tasks.send_reminders"
    loan = services.lend(loan=services.request(item=drill, member=ben), actor=ada)
    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    tasks.send_reminders.call()
    loan.refresh_from_db()
    assert loan.reminded_after
