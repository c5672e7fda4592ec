"""The demo guide and editorial pages: files in articles/content/, loaded by manage.py seed_demo."""

from pathlib import Path

CONTENT = Path(__file__).resolve().parent / "content"
GUIDE = CONTENT / "deep-muscle-fatigue.md"
GUIDE_SLUG = "deep-muscle-fatigue"
PAGES = CONTENT / "pages"  # About, Editorial policy, ...: each file's name is its page's slug
