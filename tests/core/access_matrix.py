"""Access rows for site-wide and third-party routes (login, 2FA, language, admin, API schema)."""

from __future__ import annotations

from tests.access import Route

ROUTES = [
    Route("home", "ok ok ok ok ok"),
    Route("setup", "ok ok ok ok ok"),  # once set up, it only redirects home
    Route("healthz", "ok ok ok ok ok"),
    Route("set_language", "ok ok ok ok ok", method="POST", data=lambda w: {"language": "es", "next": "/"}),
    Route("account_login", "ok ok ok ok ok"),
    Route("account_logout", "ok ok ok ok ok"),
    Route("account_inactive", "ok ok ok ok ok"),
    Route("account_reauthenticate", "login ok ok ok ok"),
    Route("account_change_password", "login ok ok ok ok"),
    Route("account_set_password", "login ok ok ok ok"),
    Route("mfa_index", "login ok ok ok ok"),
    Route("mfa_authenticate", "login ok ok ok ok"),
    Route("mfa_reauthenticate", "login any any any any"),
    Route("mfa_activate_totp", "login ok ok ok ok"),
    Route("mfa_deactivate_totp", "login any any any any"),
    Route("mfa_view_recovery_codes", "login any any any any"),
    Route("mfa_generate_recovery_codes", "login any any any any"),
    Route("mfa_download_recovery_codes", "login any any any any"),
    Route("mfa_list_webauthn", "login any any any any"),
    Route("mfa_add_webauthn", "login any any any any"),
    Route("mfa_reauthenticate_webauthn", "login any any any any"),
    Route("mfa_remove_webauthn", "login ok ok ok ok", kwargs=lambda w: {"pk": 999999}),
    Route("mfa_edit_webauthn", "login ok ok ok ok", kwargs=lambda w: {"pk": 999999}),
    Route("api:openapi-json", "ok ok ok ok ok"),
    Route("api:api-root", "any any any any any"),
    # The admin is for operators (staff) only; everyone else is sent to its login page.
    Route("admin:index", "login login login login login"),
    # No login form of its own: the site's login (lockout, second factor); logged-in non-staff are refused.
    Route("admin:login", "login 403 403 403 403"),
]

# The read-audit log of a group: its coordinators only (THREATS.md property 15).
ROUTES += [Route("audit_log", "login 404 404 403 ok", kwargs=lambda w: {"slug": w.crown.slug})]
