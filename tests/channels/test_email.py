"""E-mail notifications over real SMTP (aiosmtpd on loopback), preferences, one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from mutualaid.channels import notify
from mutualaid.channels.models import DigestItem, NotificationPreference, OutboundMessage
from mutualaid.channels.services import digests_send
from mutualaid.members.services import join_request_create, join_request_decide, profile_update
from tests.channels.conftest import run_jobs


def _with_email(user: Any, email: str, language: str = "en") -> Any:
    return profile_update(user=user, display_name=user.display_name, language=language, email=email, phone="")


def test_join_request_notifies_coordinators_by_email(
    smtp_server: Any, ada: Any, eve: Any, crown: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _with_email(ada, "ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        join_request_create(group=crown, user=eve, message="")
    run_jobs()
    [message] = smtp_server.messages
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Someone asked to join Crown Heights Mutual Aid"
    body = message.get_payload(decode=True).decode()
    assert (
        "Eve asked to join Crown Heights Mutual Aid. Review the request: https://aid.example.org/g/crown/members/"
        in body
    )
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("https://aid.example.org/channels/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in body
    assert OutboundMessage.objects.get().status == "sent"


def test_approval_is_sent_in_the_members_language(
    smtp_server: Any, ada: Any, eve: Any, crown: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _with_email(eve, "eve@example.org", language="es")
    request = join_request_create(group=crown, user=eve)
    with django_capture_on_commit_callbacks(execute=True):
        join_request_decide(join_request=request, decided_by=ada, approve=True)
    run_jobs()
    [message] = smtp_server.messages
    assert message["Subject"] == "Bienvenido a Crown Heights Mutual Aid"
    body = message.get_payload(decode=True).decode()
    assert (
        "Se aprobó su solicitud para unirse a Crown Heights Mutual Aid. https://aid.example.org/g/crown/"
        in body
    )
    assert "Dejar de recibir estos correos: https://aid.example.org/channels/unsubscribe/" in body


def test_one_click_unsubscribe_without_login(
    smtp_server: Any, ben: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _with_email(ben, "ben@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=ben, kind="reminder", context={"title": "Pantry shift at 5 pm", "group": "Crown"})
    run_jobs()
    link = smtp_server.messages[0]["List-Unsubscribe"].strip().strip("<>")
    path = link.removeprefix("https://aid.example.org")
    # RFC 8058: the mail client POSTs, with no session and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=ben).email == "never"
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=ben, kind="reminder", context={"title": "Another", "group": "Crown"})
    run_jobs()
    assert len(smtp_server.messages) == 1


def test_unsubscribe_link_clicked_in_the_body_asks_then_works(ben: Any, client: Any) -> None:
    from mutualaid.channels.notifications import unsubscribe_token

    url = reverse("channels_unsubscribe", kwargs={"token": unsubscribe_token(ben)})
    # Opening the link (or a mail scanner fetching it) changes nothing: it asks.
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop e-mails from us?" in page and 'method="post"' in page
    assert not NotificationPreference.objects.filter(user=ben, email="never").exists()
    # The page's button, without a session or CSRF token.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert NotificationPreference.objects.get(user=ben).email == "never"


def test_forged_unsubscribe_token_is_refused_by_the_button_too(ben: Any) -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("channels_unsubscribe", kwargs={"token": "eyJ1IjoxfQ:forged:sig"}),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()


def test_forged_unsubscribe_token_is_refused(ben: Any, client: Any) -> None:
    response = client.get(reverse("channels_unsubscribe", kwargs={"token": "eyJ1IjoxfQ:forged:sig"}))
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()


def test_digest_preference_collects_then_sends_one_email(
    smtp_server: Any, ben: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _with_email(ben, "ben@example.org")
    response = client_for(ben).post(reverse("channels_preferences"), {"email": "digest", "sms": "never"})
    assert response.status_code == 302
    notify(user=ben, kind="message", context={"name": "Ada", "title": "Groceries", "url": "/x/"})
    notify(user=ben, kind="claim", context={"name": "Cy", "title": "Ride to clinic", "url": "/y/"})
    assert DigestItem.objects.count() == 2 and not OutboundMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send() == 1
    run_jobs()
    [message] = smtp_server.messages
    assert message["Subject"] == "Your daily summary"
    body = message.get_payload(decode=True).decode()
    assert '- Ada wrote to you about "Groceries". Read it: https://aid.example.org/x/' in body
    assert '- Cy offered to help with "Ride to clinic". https://aid.example.org/y/' in body
    assert not DigestItem.objects.exists()


def test_never_means_nothing_is_stored(ben: Any, client_for: Any) -> None:
    _with_email(ben, "ben@example.org")
    client_for(ben).post(reverse("channels_preferences"), {"email": "never", "sms": "never"})
    notify(user=ben, kind="reminder", context={"title": "x"})
    assert not OutboundMessage.objects.exists() and not DigestItem.objects.exists()


def test_preferences_page_and_api(ben: Any, client_for: Any, api_for: Any) -> None:
    page = client_for(ben).get(reverse("channels_preferences"))
    assert page.status_code == 200 and "Daily digest" in page.content.decode()
    api = api_for(ben)
    response = api.put(
        "/api/v1/channels/preferences",
        {"email": "weekly", "sms": "never", "broadcasts": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"email": ["Choose how often to get e-mails."]}
    response = api.put(
        "/api/v1/channels/preferences",
        {"email": "digest", "sms": "now", "broadcasts": True},
        content_type="application/json",
    )
    assert response.json() == {"email": "digest", "sms": "now", "broadcasts": True}


def test_smtp_down_fails_and_retries_with_backoff(
    ben: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard port: nothing listens
    _with_email(ben, "ben@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=ben, kind="reminder", context={"title": "x"})
    run_jobs()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "EmailError: SMTP delivery failed (ConnectionRefusedError)" in failed.traceback
    assert "ben@example.org" not in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert 25 <= (retry.run_after - failed.finished_at).total_seconds() <= 35
    assert OutboundMessage.objects.get().status == "queued"


def test_a_member_who_chose_chinese_reads_chinese(
    smtp_server: Any, ada: Any, eve: Any, crown: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A person's language is stored as "zh" (the languages neighbours speak); the catalogue is
    Simplified Chinese, "zh-hans". E-mails, texts and notices must find it (core/speaking.py)."""
    _with_email(eve, "eve@example.org", language="zh")
    request = join_request_create(group=crown, user=eve)
    with django_capture_on_commit_callbacks(execute=True):
        join_request_decide(join_request=request, decided_by=ada, approve=True)
    run_jobs()
    [message] = smtp_server.messages
    assert message["Subject"] == "欢迎加入 Crown Heights Mutual Aid"
