"""Helpers that the test suite and make bench share: Debian's Chromium and the site run in other
processes as production runs it. Nothing here is imported by the site itself."""
