"""Static files as a deployment builds them: hashed names, precompressed for whitenoise to serve."""

import pytest

pytestmark = pytest.mark.thorough  # collectstatic in a new process


def test_collectstatic_writes_brotli_and_gzip_copies_of_the_hashed_stylesheet(static_root):
    names = {path.name for path in (static_root / "css").iterdir()}
    hashed = next(name for name in names if name.startswith("site.") and name.endswith(".css") and name != "site.css")
    assert {f"{hashed}.br", f"{hashed}.gz"} <= names
