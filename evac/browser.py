"""Starting Debian's Chromium under Playwright for the browser tests (never a browser Playwright downloads)."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("EVAC_CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium from reaching for the network on a closed machine, and let it run as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip where there is no Chromium; in CI (EVAC_REQUIRE_BROWSER=1) fail instead, so it cannot go unseen."""
    missing = []
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing.append(f"Chromium ({CHROMIUM}; apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright's Python package")
    if missing:
        reason = "browser test needs " + " and ".join(missing)
        if os.environ.get("EVAC_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
