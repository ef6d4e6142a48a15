"""THREATS.md property 5 (no IP address or user agent in any log or table), applied to every response of
the access-matrix walk (tests/test_access_matrix.py: every route as every role, on both databases) and to
the login and error pages in tests/core/test_threat_05_no_client_address.py.

Canary addresses and a canary user agent go with every request. What the request logs (every logger, every
level, including the loggers that do not propagate) and every statement it sends to the database (its SQL
and its parameters, as the database receives them: sealed fields are already ciphertext there, exactly as
in a dump) must show neither. Statements are read as they are sent, so a write that the walk's savepoint
later rolls back is checked too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

IP = "198.51.100.231"
PEER = "198.51.100.232"
AGENT = "CanaryBrowser/9.1 (x-canary-ua-77)"
CANARY_HEADERS = {
    "HTTP_X_FORWARDED_FOR": f"{IP}, 203.0.113.5",
    "HTTP_X_REAL_IP": IP,
    "HTTP_FORWARDED": f"for={IP};proto=https",
    "HTTP_USER_AGENT": AGENT,
    "REMOTE_ADDR": PEER,
}
NEEDLES = [IP, PEER, "x-canary-ua-77", "CanaryBrowser"]
QUIET_LOGGERS = ["django.request", "django.security", "django.server"]


def needles_in(text: str) -> list[str]:
    return [needle for needle in NEEDLES if needle in text]


@contextmanager
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record at every level, including loggers that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    for name in QUIET_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
        logging.getLogger(name).addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        for name in QUIET_LOGGERS:
            logging.getLogger(name).removeHandler(caplog.handler)


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return "\n".join(handler.format(record) for record in caplog.records)


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The text of every statement sent to the database inside the block (SQL and parameters)."""
    sent: list[str] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append(f"{sql} {params!r}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield sent


def assert_no_client_address(
    caplog: pytest.LogCaptureFixture, sent: list[str], status: int, where: str
) -> None:
    records = caplog.records
    if status >= 400:
        # The request logger speaks on every refusal: proof that the logs were really captured here.
        assert any(record.name == "django.request" for record in records), f"{where}: request logger silent"
    found = needles_in(log_text(caplog))
    assert not found, f"{where}: client address or agent in the logs: {found}"
    written = [statement for statement in sent if needles_in(statement)]
    assert not written, f"{where}: client address or agent sent to the database: {written[:2]}"
