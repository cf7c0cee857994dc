"""Take the README's screenshot of a running board: `uv run python docs/screenshot.py [URL]`.

Start the board first (`uv run manage.py up`); this logs in as a demo member with Debian's
chromium and saves docs/board.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(base_url: str) -> None:
    out = Path(__file__).with_name("board.png")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page.goto(f"{base_url}/accounts/login/")
        page.fill("input[name=username]", "fr")
        page.fill("input[name=password]", "benkyokai")
        page.click("button.primary")
        page.wait_for_url(f"{base_url}/")
        page.screenshot(path=str(out))
        browser.close()
    print(f"saved {out}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
