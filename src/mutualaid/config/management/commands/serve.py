"""Serve mutualaid with gunicorn, a production-grade WSGI server."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve mutualaid over HTTP (gunicorn). Put a TLS reverse proxy or an onion service in front."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("MUTUALAID_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("MUTUALAID_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("MUTUALAID_WEB_THREADS", "4")))
        parser.add_argument(
            "--max-requests",
            type=int,
            default=int(os.environ.get("MUTUALAID_WEB_MAX_REQUESTS", "1000")),
            help="recycle each gunicorn process after this many requests (± a tenth; 0: never)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from mutualaid.config.management.commands.setup_code import setup_banner
        from mutualaid.core.operations import refuse_unmigrated

        refuse_unmigrated("app server")
        banner = setup_banner(options["bind"])
        if banner:
            self.stdout.write(self.style.WARNING(banner))
        collect_static()
        self.stdout.write(f"Serving mutualaid on http://{options['bind']}/ (Ctrl+C stops)")
        serve(
            bind=options["bind"],
            workers=options["workers"],
            threads=options["threads"],
            max_requests=options["max_requests"],
        )


def collect_static() -> None:
    """Hashed names and gzip/Brotli copies of the static files, made before the app (and WhiteNoise,
    which indexes STATIC_ROOT once) is loaded. App servers that share a data directory and start together
    take turns (an exclusive lock beside STATIC_ROOT): two `collectstatic` runs writing the same files at
    once left half-written copies and a broken manifest. Django rewrites a processed file by deleting it
    and saving it again, so `collectstatic` runs only when the shipped files changed (a fingerprint of
    their names, sizes and times is kept beside the lock), and the app is loaded while the lock is held: a
    second server starting must never index STATIC_ROOT while the first is rewriting it."""
    from django.conf import settings

    root = Path(settings.STATIC_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / ".collectstatic.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            marker = root.parent / ".static-collected"
            wanted = static_fingerprint()
            current = marker.read_text() if marker.exists() else ""
            if current != wanted or not (root / "staticfiles.json").exists():
                call_command("collectstatic", interactive=False, verbosity=0)
                marker.write_text(wanted)
            import mutualaid.config.wsgi  # noqa: F401  (WhiteNoise indexes STATIC_ROOT here)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def static_fingerprint() -> str:
    """What `collectstatic` would read: every file the static finders list, with its size and time, and
    the versions that decide how files are hashed and compressed."""
    import hashlib

    import django
    from django.contrib.staticfiles.finders import get_finders

    from mutualaid.core import staticstorage

    digest = hashlib.sha256(django.__version__.encode())
    digest.update(Path(staticstorage.__file__).read_bytes())
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def recycling(max_requests: int) -> dict[str, int]:
    """gunicorn settings that restart each worker process after about `max_requests` requests, so slow
    memory growth in a long-lived process is bounded. The jitter (a tenth) keeps the processes from
    restarting all at once. 0 (or less) turns recycling off."""
    if max_requests <= 0:
        return {"max_requests": 0, "max_requests_jitter": 0}
    return {"max_requests": max_requests, "max_requests_jitter": max(1, max_requests // 10)}


def serve(*, bind: str, workers: int, threads: int, max_requests: int = 1000) -> None:
    from gunicorn.app.base import BaseApplication

    from mutualaid.config.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": bind,
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 60,
                "graceful_timeout": 20,
                # No access log by default: paths can hold invitation links, and lines are metadata.
                # When enabled, the format has no client address, user agent or path.
                "accesslog": "-"
                if os.environ.get("MUTUALAID_ACCESS_LOG", "").lower() in {"1", "true", "yes"}
                else None,
                "access_log_format": "%(t)s %(m)s %(s)s %(b)s %(M)sms",
                "errorlog": "-",
                "forwarded_allow_ips": os.environ.get("MUTUALAID_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
                "proxy_allow_ips": "127.0.0.1,::1",
                # gunicorn's control socket defaults to one path under the home directory, shared by
                # every instance (a second server took over the first's; stopping one deleted it).
                # mutualaid does not use it.
                "control_socket_disable": True,
                **recycling(max_requests),
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):  # type: ignore[no-untyped-def]
            return application

    Server().run()
