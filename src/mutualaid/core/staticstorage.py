"""Static files as browsers should get them: names carrying a hash of the content (so they are cached
for a year and never re-validated) and precompressed with gzip and Brotli at `collectstatic` time
(`mutualaid serve` and `demo` run it before starting), so WhiteNoise sends the smallest encoding the
browser accepts without compressing anything per request."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # whitenoise ships no types
    # Before the first `collectstatic` (a fresh checkout, the test suite) pages still render: files are
    # served by their plain names from the apps' folders (WHITENOISE_USE_FINDERS), with short caching.
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            return name

    def compress_files(self, paths: object) -> object:
        # Pages only ever load mutualaid's own files (core/…): those get gzip and Brotli copies. The
        # admin's and the API docs' hundreds of files are for operators; compressing them all with
        # Brotli's slowest setting took minutes at every start, so they stay plain (still hashed).
        ours = [path for path in paths if str(path).startswith(OWN_PREFIXES)]  # type: ignore[attr-defined]
        return super().compress_files(ours)


OWN_PREFIXES = ("core/",)
