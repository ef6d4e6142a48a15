"""How an app plugs itself into the project: one declaration on its AppConfig, discovered by config.

Every mutualaid app's `AppConfig` subclasses `MutualaidApp` and names, by dotted path, what it brings:

    # deliveries/apps.py
    class DeliveriesConfig(MutualaidApp):
        name = "mutualaid.deliveries"
        label = "deliveries"
        group_urls = "mutualaid.deliveries.urls"          # mounted at /g/<slug>/deliveries/
        group_url_prefix = "deliveries/"
        site_urls = "mutualaid.deliveries.urls_site"      # mounted at /, for pages outside a group
        api_router = "mutualaid.deliveries.api.router"    # added to /api/v1/
        periodic = (Periodic("deliveries.close", "mutualaid.deliveries.tasks.close_runs", every_hour),)
        demo_loader = "mutualaid.deliveries.demo.load"
        notice_kinds = "mutualaid.deliveries.notices.NOTICE_KINDS"
        personal_data = "mutualaid.deliveries.export.personal_data"  # a member's own download

Retention rules stay in `<app>/retention.py` (see `core.retention`). Config's root URLs, the API, the
worker's schedule, the demo and the notification senders read this registry, so a new app touches only
its own folder and one line in `INSTALLED_APPS`. Nothing here imports an app: the paths are resolved
when config asks for them, after every app is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import AppConfig, apps
from django.urls import reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Periodic:
    """A job the worker queues once per slot (see `every_hour`…): e.g. a daily purge."""

    name: str
    task_path: str  # "module.attribute" of a job
    slot: Callable[[datetime], str | None]  # the period `now` falls in, or None when not due yet


def every_hour(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H")


def every_five_minutes(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:") + f"{now.minute // 5 * 5:02d}"


def every_day(now: datetime) -> str:
    return now.strftime("%Y-%m-%d")


class MutualaidApp(AppConfig):
    """An app of the project and the parts it plugs in (each optional, each a dotted path)."""

    # Django picks the AppConfig of an app's apps.py that says `default`; this base class, imported
    # there too, must not be picked, and each subclass is the default unless it says otherwise.
    default = False
    group_urls: str | None = None  # module with `urlpatterns`, mounted at g/<slug:slug>/<group_url_prefix>
    group_url_prefix: str = ""
    site_urls: str | None = None  # module with `urlpatterns`, mounted at the site root
    api_router: str | None = None  # a django-ninja Router added to /api/v1/
    periodic: Sequence[Periodic] = ()
    demo_loader: str | None = None  # a function loading the app's demo content, returning logins
    notice_kinds: str | None = None  # a dict kind -> (subject, text) of the notices the app sends
    public_links: Sequence[tuple[str, Any]] = ()  # (URL name, label): public pages the home page points to
    # A function `personal_data(user) -> dict` (JSON-able) of what the app holds about a member, for the
    # member's own download (core.export); an app with rows pointing at members names one.
    personal_data: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True


def registered_apps() -> list[MutualaidApp]:
    """The project's apps in `INSTALLED_APPS` order (core first, wiring last)."""
    return [config for config in apps.get_app_configs() if isinstance(config, MutualaidApp)]


def group_url_modules() -> list[tuple[str, str]]:
    """(prefix under /g/<slug>/, urls module) for every app that has group pages."""
    return [(app.group_url_prefix, app.group_urls) for app in registered_apps() if app.group_urls]


def site_url_modules() -> list[str]:
    """The urls modules mounted at the site root."""
    return [app.site_urls for app in registered_apps() if app.site_urls]


def api_routers() -> list[Any]:
    """Every app's API router, in app order (the OpenAPI schema lists them so)."""
    return [import_string(app.api_router) for app in registered_apps() if app.api_router]


def periodic_jobs() -> list[Periodic]:
    """Every app's periodic jobs."""
    return [periodic for app in registered_apps() for periodic in app.periodic]


def demo_loaders() -> list[Callable[[], Any]]:
    """Every app's demo loader, in app order (groups and members exist before the domains' content)."""
    return [import_string(app.demo_loader) for app in registered_apps() if app.demo_loader]


def notice_kinds() -> dict[str, tuple[Any, Any]]:
    """Every app's notice kinds; two apps declaring one kind is a programming error."""
    found: dict[str, tuple[Any, Any]] = {}
    for app in registered_apps():
        if not app.notice_kinds:
            continue
        for kind, texts in import_string(app.notice_kinds).items():
            if kind in found:
                raise ValueError(f"notice kind {kind!r} is declared twice ({app.label})")
            found[kind] = texts
    return found


def public_links() -> list[tuple[str, Any]]:
    """(path, label) of the public pages apps offer everyone (a find-a-fridge page...), for the home page."""
    return [(reverse(name), label) for app in registered_apps() for name, label in app.public_links]
