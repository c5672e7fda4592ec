"""Debian's Chromium, started the way this machine needs (see BROWSER.md): the browser tests and
make bench's Lighthouse runs use it. Playwright's own browser download is not used."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
