"""Funds pages stay under 30 KB gzip with CSS and JS, load nothing from outside, carry no inline style."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.urls import reverse

from mutualaid.funds import services
from tests.core.test_no_external_origins import EXTERNAL
from tests.funds.conftest import PNG, approved, fill


def test_funds_pages_are_light_and_self_contained(
    client_for: Any, ada: Any, ida: Any, ben: Any, bail_fund: Any
) -> None:
    assets = sum(
        len(gzip.compress(Path(finders.find(p)).read_bytes())) for p in ("core/site.css", "core/enhance.js")
    )
    for _ in range(30):
        fill(bail_fund, 50_00, ada)
    ask = approved(bail_fund, amount=120_00, asker=ben, voters=[ada, ida], kind="bail")
    services.receipt_add(request=ask, uploaded_by=ben, data=PNG)
    services.request_pay(request=ask, paid_by=ada, method="check")
    pages = [
        reverse("funds_list", args=["crown"]),
        reverse("funds_fund", args=["crown", bail_fund.pk]),
        reverse("funds_transparency", args=["crown", bail_fund.pk]),
        reverse("funds_request", args=["crown", ask.pk]),
        reverse("funds_request_new", args=["crown", bail_fund.pk]),
        reverse("funds_fund_new", args=["crown"]),
        reverse("funds_contribution_new", args=["crown", bail_fund.pk]),
        reverse("funds_fund_edit", args=["crown", bail_fund.pk]),
    ]
    client = client_for(ada)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        total = len(gzip.compress(response.content)) + assets
        assert total <= 30 * 1024, f"{path}: {total} bytes gzip"
        body = response.content.decode()
        assert not EXTERNAL.findall(body), path
        assert " style=" not in body, path
