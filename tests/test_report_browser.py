"""The class report in a real browser: headless Chromium (Debian/Ubuntu package `chromium`)
renders the page of a small demo-like class with no network. It fails, never skips, when
Chromium is missing: CI installs it."""
import re
import subprocess
from pathlib import Path

import pytest

from autograder.classreport import build, write
from report_support import ASSIGNMENT, demo_like_class

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu"]
# Written into the DOM once the page has loaded: each image's decoded (natural) size.
PROBE = ('<script>window.addEventListener("load", () => { for (const i of document.images) '
         'i.setAttribute("data-natural", i.naturalWidth + "x" + i.naturalHeight); });</script>')


def chromium(*args):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    done = subprocess.run([CHROMIUM, *FLAGS, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    made = demo_like_class(root)
    page = write(build(root, ASSIGNMENT), root / "report")
    probe = page.with_name("probe.html")
    probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    screenshot = root / "report.png"
    chromium(f"--screenshot={screenshot}", "--window-size=1400,3000", page.as_uri())
    return made, dom, screenshot


def text_of(dom):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def test_rendered_page_shows_the_catalogued_mistakes_and_their_students(rendered):
    made, dom, _ = rendered
    from html import unescape
    shown = unescape(text_of(dom))
    for student, entries in made.items():
        for entry in entries:
            row = re.search(re.escape(entry.hint) + r"(.*?)(?:\d+ \w+ \w+ \d|Lost points)", shown)
            assert row and student in row.group(1), (entry.slug, student)
    assert "<script>alert(1)</script>" in shown  # the evil name as text, not as an element
    assert not re.search(r"<script>alert", dom)


def test_every_image_decodes_to_a_nonzero_size(rendered):
    _, dom, screenshot = rendered
    sizes = re.findall(r'data-natural="(\d+)x(\d+)"', dom)
    assert len(sizes) >= 5 and len(sizes) == dom.count("<img ")
    assert all(int(w) > 0 and int(h) > 0 for w, h in sizes)
    from PIL import Image
    with Image.open(screenshot) as shot:
        assert shot.size == (1400, 3000)
        assert len(shot.convert("L").getcolors(256) or range(257)) > 10  # not a blank page
