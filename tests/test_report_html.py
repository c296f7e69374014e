"""autograder.classreport.html: student text escaped, figures embedded, nothing to fetch."""
import base64
import io
import re

import pytest
from PIL import Image

from autograder.classreport import build, write
from report_support import ASSIGNMENT, EVIL_HINT, EVIL_NAME, demo_like_class


@pytest.fixture
def page(tmp_path, monkeypatch):
    monkeypatch.delenv("NBGRADER_DB_URL", raising=False)
    demo_like_class(tmp_path)
    return write(build(tmp_path, ASSIGNMENT), tmp_path / "out").read_text()


def test_student_text_is_escaped(page):
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the name, shown literally
    assert "Use &lt;b&gt;np.clip&lt;/b&gt; on every array." in page and EVIL_HINT not in page
    assert "# &lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;" in page  # student code, shown side by side
    assert EVIL_NAME not in page


def test_figures_are_embedded_png_data_uris_that_decode(page):
    sources = re.findall(r'<img [^>]*src="([^"]*)"', page)
    assert len(sources) >= 5  # totals, functions, statuses, late, resources
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1])))
        assert image.width > 100 and image.height > 100


def test_nothing_is_fetched(page):
    assert not re.search(r"https?://", page)
    for reference in re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page):
        assert reference.startswith("data:")
    assert "@import" not in page and "url(" not in page


def test_at_a_glance_counts_the_class_and_names_the_first_things_to_look_at(page):
    glance = re.search(r"<h2>At a glance</h2><ul>(.*?)</ul>", page).group(1)
    # the demo-like class: 7 graded (4 with catalogued mistakes, the reference, late_lou, evil), 1 timed out
    assert "8 submissions: 7 graded, 1 timed out" in glance
    assert "Most frequent catalogued mistake: sample / argmax, made by 2 of 7 graded." in glance
    assert "Late submissions: 1." in glance
