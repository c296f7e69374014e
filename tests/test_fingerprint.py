"""The fingerprint of a submitted folder, which decides whether a submission with a final
verdict is graded again: `folders.fingerprint(listing)` streams the listed files from disk when
the coordinator scans the class, `folders.files_fingerprint(files)` hashes the files read into
memory when it sends them (and stores that one in the record); both must agree, or an
unchanged folder would be regraded on every run. It changes with whatever the grader reads (a
byte, a name, a file more or less), never with what it does not (file times, the order of the
listing, empty folders, caches). A folder it cannot read safely is refused, with the reason."""
import os

import pytest

from autograder.batch import coordinator, folders
from autograder.limits import Limits

LIMITS = Limits(submission_mb=4, submission_files=40)
FILES = {"hw.ipynb": b'{"cells": []}', "data/x.csv": b"1,2\n3,4\n", "data/empty.txt": b"", "notes.md": b"mine"}
SIZE = sum(len(data) for data in FILES.values())
ENTRIES = len(FILES) + 1  # and the folder data/


def write(folder, files, order=None):
    for name in order or sorted(files):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])


@pytest.fixture
def submit(tmp_path):
    """submit(files, student=..., order=...) -> the Listing of submitted/<student>/hw/ holding `files`."""
    def make(files, student="ada", order=None):
        folder = tmp_path / "submitted" / student / "hw"
        folder.mkdir(parents=True)
        write(folder, files, order)
        return scan(tmp_path, student)
    return make


def scan(root, student="ada"):
    return folders.scan(root / "submitted", (student, "hw"), LIMITS)


def both(listing):
    """The streamed fingerprint, checked equal to the one of the files read into memory."""
    streamed = folders.fingerprint(listing)
    assert streamed == folders.files_fingerprint(folders.read(listing))
    return streamed


def moved(files, old, new):
    files = dict(files)
    files[new] = files.pop(old)
    return files


CHANGES = {
    "a byte changed": {**FILES, "data/x.csv": b"1,2\n3,5\n"},
    "a byte added": {**FILES, "notes.md": b"mine "},
    "an empty file filled": {**FILES, "data/empty.txt": b"\0"},
    "a file renamed": moved(FILES, "notes.md", "Notes.md"),
    "a file moved to another folder": moved(FILES, "data/x.csv", "x.csv"),
    "a folder renamed": moved(moved(FILES, "data/x.csv", "Data/x.csv"), "data/empty.txt", "Data/empty.txt"),
    "a file added": {**FILES, "extra.py": b""},
    "a file removed": {k: v for k, v in FILES.items() if k != "data/empty.txt"},
    "content moved between files": {**FILES, "notes.md": b"mi", "data/empty.txt": b"ne"},
    "two files' contents swapped": {**FILES, "hw.ipynb": FILES["notes.md"], "notes.md": FILES["hw.ipynb"]},
    "a name holding a line break": moved(FILES, "notes.md", "notes\n.md"),
}


def test_the_same_files_give_the_same_fingerprint_whatever_the_order_and_the_times(submit, tmp_path):
    first = both(submit(FILES, "ada"))
    second = submit(FILES, "bob", order=sorted(FILES, reverse=True))
    assert both(second) == first
    os.utime(tmp_path / "submitted" / "bob" / "hw" / "notes.md", (0, 0))
    assert both(scan(tmp_path, "bob")) == first


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_of_what_is_graded_changes_the_fingerprint(submit, change):
    assert both(submit(CHANGES[change], "bob")) != both(submit(FILES, "ada"))


def test_the_changes_all_differ_from_one_another(submit):
    """No two of the changed folders collide (a fingerprint that ignored, say, which file holds
    which bytes would merge some of them)."""
    found = {change: both(submit(files, f"s{i}")) for i, (change, files) in enumerate(sorted(CHANGES.items()))}
    assert len(set(found.values())) == len(found)


def test_what_the_grader_never_reads_leaves_the_fingerprint_alone(submit, tmp_path):
    """Empty folders (a task carries files only) and the caches nbgrader skips
    (__pycache__, .ipynb_checkpoints) are listed and checked, but not part of it."""
    first = both(submit(FILES))
    folder = tmp_path / "submitted" / "ada" / "hw"
    (folder / "empty" / "deeper").mkdir(parents=True)
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0" * 10)
    (folder / "data" / ".ipynb_checkpoints").mkdir()
    (folder / "data" / ".ipynb_checkpoints" / "x-checkpoint.csv").write_bytes(b"old")
    listing = scan(tmp_path)
    assert both(listing) == first
    assert sorted(listing.files) == sorted(FILES) and listing.entries == ENTRIES + 6


def test_names_that_are_not_utf8_are_fingerprinted_and_read(submit, tmp_path):
    folder = os.fsencode(tmp_path / "submitted" / "ada" / "hw")
    submit(FILES)
    with open(folder + b"/\xff.txt", "wb") as file:
        file.write(b"x")
    first = both(scan(tmp_path))
    os.rename(folder + b"/\xff.txt", folder + b"/\xfe.txt")
    assert both(scan(tmp_path)) != first


def test_a_file_larger_than_a_chunk_is_streamed_to_the_same_fingerprint(submit):
    big = bytes(range(256)) * (folders.CHUNK // 256 * 2 + 7)
    listing = submit({**FILES, "big.bin": big})
    assert both(listing) != both(submit({**FILES, "big.bin": big[:-1] + b"\1"}, "bob"))


def test_a_file_cut_short_after_the_listing_is_refused_not_fingerprinted(submit, tmp_path):
    listing = submit(FILES)
    (tmp_path / "submitted" / "ada" / "hw" / "data" / "x.csv").write_bytes(b"1")
    with pytest.raises(folders.Refused, match="changed while it was read"):
        folders.fingerprint(listing)


# ------------------------------------------------------------------------------ refusals

def nested(folder, depth):
    for level in range(depth):
        folder = folder / f"d{level}"
    folder.mkdir(parents=True)


@pytest.mark.parametrize("make, reason", [
    (lambda folder: (folder / "notes.md").unlink() or (folder / "notes.md").symlink_to(folder / "hw.ipynb"),
     "'ada/hw/notes.md' is a symbolic link"),
    (lambda folder: (folder / "data" / "up").symlink_to(folder.parent), "'ada/hw/data/up' is a symbolic link"),
    (lambda folder: os.link(folder / "hw.ipynb", folder / "data" / "copy.ipynb"), "is a hard link (2 names"),
    (lambda folder: (folder / "big.bin").write_bytes(b"\0" * (4 * 2 ** 20 - SIZE + 1)),
     "'ada/hw' holds more than 4 MiB"),
    (lambda folder: [(folder / "many" / f"f{i}").mkdir(parents=True) for i in range(40 - ENTRIES)],
     "'ada/hw' holds more than 40 files and folders"),
    (lambda folder: nested(folder, folders.MAX_DEPTH + 1), f"nested more than {folders.MAX_DEPTH} deep"),
])
def test_a_folder_that_cannot_be_read_safely_is_refused_with_the_reason(submit, tmp_path, make, reason):
    submit(FILES)
    make(tmp_path / "submitted" / "ada" / "hw")
    with pytest.raises(folders.Refused) as refused:
        scan(tmp_path)
    assert reason in str(refused.value)
    submission = coordinator.submitted_folder(tmp_path, "ada", "hw", LIMITS)
    assert submission.refusal == str(refused.value) and submission.listing is None
    assert submission.digest == coordinator.refusal_digest(submission.refusal)


@pytest.mark.parametrize("make", [
    lambda folder: (folder / "big.bin").write_bytes(b"\0" * (4 * 2 ** 20 - SIZE)),  # 4 MiB in all
    lambda folder: [(folder / "many" / f"f{i}").mkdir(parents=True) for i in range(40 - ENTRIES - 1)],  # 40 entries
    lambda folder: nested(folder, folders.MAX_DEPTH),
])
def test_a_folder_at_a_cap_is_graded(submit, tmp_path, make):
    submit(FILES)
    make(tmp_path / "submitted" / "ada" / "hw")
    submission = coordinator.submitted_folder(tmp_path, "ada", "hw", LIMITS)
    assert not submission.refusal and submission.digest == both(submission.listing)


def test_a_refusal_fingerprint_changes_with_the_reason_and_never_equals_a_content_one(submit, tmp_path):
    """A refused folder is never read: its fingerprint comes from the reason, so fixing it
    (another reason, or none) grades it again."""
    folder = tmp_path / "submitted" / "ada" / "hw"
    submit(FILES)
    (folder / "link").symlink_to(folder / "hw.ipynb")
    first = coordinator.submitted_folder(tmp_path, "ada", "hw", LIMITS)
    (folder / "link").unlink()
    (folder / "link2").symlink_to(folder / "hw.ipynb")
    second = coordinator.submitted_folder(tmp_path, "ada", "hw", LIMITS)
    (folder / "link2").unlink()
    fixed = coordinator.submitted_folder(tmp_path, "ada", "hw", LIMITS)
    assert first.digest != second.digest and first.digest.startswith("refused:")
    assert not fixed.refusal and fixed.digest == both(fixed.listing) and not fixed.digest.startswith("refused:")
