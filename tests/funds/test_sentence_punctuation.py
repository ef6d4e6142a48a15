"""A sentence's full stop is inside its translation (Chinese ends "。", never a Latin stop added after
it), and the ledger's days follow the language like the rest of the site (note 8)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.urls import reverse
from django.utils import translation

from mutualaid.funds import services
from mutualaid.funds.views import approval_rule


def _speaking(user: Any, client_for: Any, language: str) -> Any:
    user.language = language
    user.save(update_fields=["language"])
    client = client_for(user)
    client.cookies["django_language"] = language
    return client


def test_the_approval_rule_is_one_sentence_in_each_language(crown: Any) -> None:
    fund = services.fund_create(group=crown, name="Rent", coordinator_approvals=2, member_approvals=1)
    with translation.override("en"):
        assert approval_rule(fund) == "Above that, 2 coordinators must approve, or 1 member."
    with translation.override("zh-hans"):
        chinese = approval_rule(fund)
    assert chinese.endswith("。") and not chinese.endswith(".") and "2" in chinese and "1" in chinese
    fund.member_approvals = 0
    with translation.override("es"):
        assert approval_rule(fund) == "Por encima de eso, deben aprobar 2 personas coordinadoras."


def test_the_fund_page_in_chinese_has_no_latin_stop_and_local_days(
    client_for: Any, ada: Any, bail_fund: Any
) -> None:
    services.contribution_record(
        fund=bail_fund,
        amount=20_00,
        currency="USD",
        method="cash",
        recorded_by=ada,
        occurred_on=datetime.date(2026, 11, 20),
    )
    html = _speaking(ada, client_for, "zh-hans").get(reverse("funds_fund", args=["crown", bail_fund.pk]))
    text = html.content.decode()
    assert "位协调人." not in text and "。." not in text
    assert "2026年11月20日" in text and "2026-11-20" not in text
    english = _speaking(ada, client_for, "en").get(reverse("funds_fund", args=["crown", bail_fund.pk]))
    assert "20 Nov 2026" in english.content.decode()
    assert re.search(r"Above that, 2 coordinators must approve\.\s", english.content.decode())
