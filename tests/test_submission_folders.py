"""Reading a submitted folder as root (`autograder.batch.folders`, and the coordinator's
`submitted_folder`): a folder that is, or holds, a symbolic or hard link, a special file, or
more than the caps allow is refused with the reason, and nothing is read through a link, even
one swapped in after the folder was listed."""
import os

import pytest

from autograder.batch import coordinator, folders
from autograder.limits import Limits
from autograder.status import Status

LIMITS = Limits(submission_mb=1, submission_files=20)


@pytest.fixture
def course(tmp_path):
    """root/submitted/ada/hw/ with a notebook and a data file, and a secret beside it."""
    folder = tmp_path / "submitted" / "ada" / "hw"
    (folder / "data").mkdir(parents=True)
    (folder / "hw.ipynb").write_text("{}")
    (folder / "data" / "x.csv").write_text("1,2\n")
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "secret.txt").write_text("the solutions")
    return tmp_path


def scan(root, student="ada"):
    return folders.scan(root / "submitted", (student, "hw"), LIMITS)


def test_a_plain_folder_is_listed_read_and_fingerprinted(course):
    listing = scan(course)
    files = folders.read(listing)
    assert files == {"data/x.csv": b"1,2\n", "hw.ipynb": b"{}"}
    assert folders.fingerprint(listing) == folders.files_fingerprint(files)


@pytest.mark.parametrize("make, reason", [
    (lambda root, folder: (folder / "leak.txt").symlink_to(root / "source" / "secret.txt"), "symbolic link"),
    (lambda root, folder: (folder / "data" / "up").symlink_to(root / "source"), "symbolic link"),
    (lambda root, folder: os.link(root / "source" / "secret.txt", folder / "copy.txt"), "hard link"),
    (lambda root, folder: os.mkfifo(folder / "pipe"), "not a regular file"),
    (lambda root, folder: (folder / "big.bin").write_bytes(b"0" * (2 * 2 ** 20)), "more than 1 MiB"),
    (lambda root, folder: [(folder / f"f{i}").write_text("") for i in range(30)], "more than 20 files"),
])
def test_a_link_a_special_file_or_a_folder_over_a_cap_is_refused(course, make, reason):
    make(course, course / "submitted" / "ada" / "hw")
    with pytest.raises(folders.Refused, match=reason):
        scan(course)


def test_a_hard_link_to_the_notebook_itself_is_refused(course):
    """The submitted notebook is another name of a file elsewhere (the source notebook)."""
    notebook = course / "submitted" / "ada" / "hw" / "hw.ipynb"
    notebook.unlink()
    os.link(course / "source" / "secret.txt", notebook)
    with pytest.raises(folders.Refused, match="hard link"):
        scan(course)


@pytest.mark.parametrize("level", ["assignment", "student"])
def test_a_submitted_folder_that_is_itself_a_link_is_refused(course, level):
    if level == "assignment":
        (course / "submitted" / "bob").mkdir()
        (course / "submitted" / "bob" / "hw").symlink_to(course / "source")
    else:
        (course / "submitted" / "bob").symlink_to(course / "submitted" / "ada")
    with pytest.raises(folders.Refused, match="symbolic link"):
        scan(course, "bob")
    submission = coordinator.submitted_folder(course, "bob", "hw", LIMITS)
    assert submission.refusal and "symbolic link" in submission.refusal and submission.digest.startswith("refused:")


def test_a_link_swapped_in_after_the_listing_is_not_followed(course):
    listing = scan(course)
    data = course / "submitted" / "ada" / "hw" / "data"
    (data / "x.csv").unlink()
    (data / "x.csv").symlink_to(course / "source" / "secret.txt")
    with pytest.raises(folders.Refused):
        folders.read(listing)


def test_a_folder_swapped_for_a_link_after_the_listing_is_not_followed(course):
    listing = scan(course)
    data = course / "submitted" / "ada" / "hw" / "data"
    data.rename(data.with_name("old"))
    data.symlink_to(course / "source")
    with pytest.raises(folders.Refused, match="symbolic link"):
        folders.read(listing)


def test_a_missing_folder_is_no_submission(course):
    assert coordinator.submitted_folder(course, "nobody", "hw", LIMITS) is None


def test_the_coordinator_refuses_links_with_a_status_and_never_reads_them(tmp_path):
    """A Batch (no cluster needed to find submissions) lists a link as refused, and skips a
    refused submission whose reason did not change since its final verdict."""
    from autograder.course import db_url
    from batch_support import make_course
    root = make_course(tmp_path / "course", "rnn_step_by_step", demo_students=False)
    (root / "submitted" / "honest" / "rnn_step_by_step").mkdir(parents=True)
    (root / "submitted" / "honest" / "rnn_step_by_step" / "rnn_step_by_step.ipynb").write_text("{}")
    (root / "submitted" / "linker").mkdir()
    (root / "submitted" / "linker" / "rnn_step_by_step").symlink_to(root / "source" / "rnn_step_by_step")
    (root / "submitted" / "stray_file").write_text("not a student")
    batch = coordinator.Batch(root, db_url(root), Limits(), seed=1)
    found = {s.student: s for s in batch.pending("rnn_step_by_step", None, force=False)}
    assert sorted(found) == ["honest", "linker"]
    assert found["honest"].listing is not None and not found["honest"].refusal
    assert "symbolic link" in found["linker"].refusal and found["linker"].listing is None
    result = coordinator.blank_result("linker", "rnn_step_by_step", Status.REFUSED, found["linker"].refusal)
    coordinator.write_record(root, "rnn_step_by_step", result, found["linker"].digest)
    again = {s.student for s in batch.pending("rnn_step_by_step", None, force=False)}
    assert again == {"honest"}  # a final verdict on an unchanged folder is kept
