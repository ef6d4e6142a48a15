"""What every app's demo loader shares (the loaders themselves are found through core.registry)."""

DEMO_PASSWORD = "solidarity-forever-2026"  # noqa: S105 - printed on purpose for the demo
