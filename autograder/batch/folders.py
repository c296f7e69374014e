"""Reading a student's folder as root without trusting it: no link is ever followed, and
nothing is read past a cap.

A submitted folder (submitted/<student>/<assignment>/) belongs to the student. It may be, or
hold, a symbolic link (to the course's source/, to /etc/shadow) or a hard link (to the source
notebook), which a root process that simply reads it would follow. `scan` lists it with lstat
only, opening every folder on the way with O_NOFOLLOW, and refuses it (`Refused`, with the
reason) when it finds a link of either kind (a regular file with more than one name is a hard
link), a special file (a FIFO would block a read), or more files, bytes or levels than the
caps allow (`autograder.limits.Limits`). `read` then opens each listed file the same way,
checks it is still the file that was listed, and reads it within its listed size: the
folder's files are held in memory for one submission at a time, never for a whole class.
"""
import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field

SKIPPED = ("__pycache__", ".ipynb_checkpoints")  # listed and checked, never read
MAX_DEPTH = 32  # folders within folders
CHUNK = 2 ** 20


class Refused(Exception):
    """The folder cannot be graded as it is; the message says why (for the record)."""


@dataclass
class Listing:
    """What `scan` found: the folder (a trusted base and the untrusted parts below it) and
    its regular files as {relative path: (size, device, inode, mtime_ns)}."""
    base: str
    parts: tuple
    files: dict = field(default_factory=dict)
    entries: int = 0
    size: int = 0

    @property
    def path(self):
        return os.path.join(self.base, *self.parts)


def open_below(base, parts, flags=os.O_RDONLY | os.O_DIRECTORY):
    """A descriptor of base/parts[0]/parts[1]/..., opened one component at a time with
    O_NOFOLLOW: a link anywhere below `base` (which is the instructor's) raises Refused."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            where = repr("/".join(parts[:index + 1]))  # a name may hold a line break: quoted
            if part in ("", ".", "..") or os.sep in part:
                raise Refused(f"{where} is not a plain name")
            try:
                child = os.open(part, (flags if last else os.O_RDONLY | os.O_DIRECTORY) | os.O_NOFOLLOW | os.O_NONBLOCK,
                                dir_fd=fd)
            except OSError as error:
                if error.errno not in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
                    raise
                # O_DIRECTORY is checked before O_NOFOLLOW: a link to a folder says ENOTDIR
                linked = error.errno != errno.ENOTDIR or stat.S_ISLNK(os.stat(part, dir_fd=fd,
                                                                               follow_symlinks=False).st_mode)
                raise Refused(f"{where} is " + ("a symbolic link" if linked else "not a folder")) from None
            os.close(fd)
            fd = child
        return fd
    except BaseException:
        os.close(fd)
        raise


def scan(base, parts, limits):
    """The Listing of base/parts (`parts`: the untrusted names, e.g. (student, assignment)),
    or Refused. Raises FileNotFoundError when the folder does not exist."""
    listing = Listing(str(base), tuple(parts))
    where = "/".join(parts)  # (quoted where it is shown)
    top = open_below(base, parts)
    try:
        if not stat.S_ISDIR(os.fstat(top).st_mode):
            raise Refused(f"{where!r} is not a folder")
    finally:
        os.close(top)
    pending = [()]
    while pending:
        relative = pending.pop()
        if len(relative) > MAX_DEPTH:
            raise Refused(f"{where!r} has folders nested more than {MAX_DEPTH} deep")
        fd = open_below(base, tuple(parts) + relative)
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    name = "/".join(relative + (entry.name,))
                    shown = repr(f"{where}/{name}")  # a name may hold a line break: quoted
                    listing.entries += 1
                    if listing.entries > limits.submission_files:
                        raise Refused(f"{where!r} holds more than {limits.submission_files} files and folders")
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISLNK(info.st_mode):
                        raise Refused(f"{shown} is a symbolic link")
                    if stat.S_ISDIR(info.st_mode):
                        pending.append(relative + (entry.name,))
                        continue
                    if not stat.S_ISREG(info.st_mode):
                        raise Refused(f"{shown} is not a regular file (a FIFO, socket or device)")
                    if info.st_nlink > 1:
                        raise Refused(f"{shown} is a hard link ({info.st_nlink} names for one file)")
                    listing.size += info.st_size
                    if listing.size > limits.submission_mb * 2 ** 20:
                        raise Refused(f"{where!r} holds more than {limits.submission_mb} MiB")
                    if not any(part in SKIPPED for part in relative + (entry.name,)):
                        listing.files[name] = (info.st_size, info.st_dev, info.st_ino, info.st_mtime_ns)
        finally:
            os.close(fd)
    return listing


def chunks(listing, name):
    """The bytes of one listed file, in chunks, from the very file that was listed."""
    size, device, inode, _ = listing.files[name]
    fd = open_below(listing.base, listing.parts + tuple(name.split("/")), os.O_RDONLY)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (device, inode) or info.st_nlink > 1:
            raise Refused(f"{name!r} changed while it was read")
        left = size
        while left > 0:
            data = os.read(fd, min(left, CHUNK))
            if not data:
                raise Refused(f"{name!r} changed while it was read")
            left -= len(data)
            yield data
    finally:
        os.close(fd)


def read(listing):
    """{relative path: bytes} of the listed files (Refused if one changed since the scan)."""
    return {name: b"".join(chunks(listing, name)) for name in sorted(listing.files)}


def fingerprint(listing):
    """The fingerprint of the listed files' contents, read one chunk at a time; equal to
    `files_fingerprint(read(listing))`."""
    return digest((name, chunks(listing, name)) for name in sorted(listing.files))


def files_fingerprint(files):
    """The fingerprint of a submitted folder's files as a task carries them ({relative path: bytes})."""
    return digest((name, (data,)) for name, data in sorted((files or {}).items()))


def digest(named_chunks):
    """sha256 over (name, sha256 of its content) of every file, in the order given (by name)."""
    total = hashlib.sha256()
    for name, pieces in named_chunks:
        inner = hashlib.sha256()
        for data in pieces:
            inner.update(data)
        total.update(name.encode("utf-8", "surrogatepass") + b"\0" + inner.digest())
    return total.hexdigest()
