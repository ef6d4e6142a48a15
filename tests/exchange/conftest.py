from __future__ import annotations

# Shared helpers live in tests/helpers.py; this name is kept for imports written before they moved there.
from tests.helpers import make_post as make_post
