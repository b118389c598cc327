"""The system's Chromium, for everything here that drives a browser (the browser tests, the static-view check,
the diagrams): found in one place, started with the same flags. Nothing downloads a browser."""

from __future__ import annotations

import os
import shutil

#: Headless in a container, as root, with the network closed: no sandbox, no GPU, no background requests.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) executable on this system, or None."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), "/usr/bin/chromium-browser",
                      shutil.which("chromium-browser"), "/usr/bin/google-chrome"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None
