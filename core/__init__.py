"""The ground floor: the machinery every app uses (the page cache, the fail-soft cache, search, canonical
addresses, sitemap and structured-data bases, cross-origin checks, client addresses, middleware, images,
money). Nothing here imports an app or the project package (tests/test_imports.py)."""
