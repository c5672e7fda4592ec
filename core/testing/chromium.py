"""Debian's Chromium, started headless with the flags a container needs (no sandbox, no GPU, no
background traffic): the browser tests and make bench's Lighthouse runs use it. Playwright's own
browser download is not used."""

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
