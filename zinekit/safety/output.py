"""Atomic output: a file appears whole or not at all.

Every output is written to a temporary file beside its destination, flushed to disk,
and renamed over the destination only when complete, so an interrupted or failed build
never leaves a broken file where a good one was.

Temporary names are ``.zinekit-tmp-<pid>-<host>-<random><suffix>``: the process that
writes it and a short tag of the machine it runs on.  A process killed outright (SIGKILL,
a power cut) cannot remove its temporary, so every later write sweeps the folder of its
destination: a temporary is removed when the process that wrote it, on this machine, no
longer exists, or, whoever wrote it, when it is more than an hour old (a write takes
seconds; the hour covers a folder shared by several machines).  A temporary of a build
still running is never touched.

A write that fails (a full disk, a read-only folder) raises :class:`WriteError`, printed
as ``dist/…/x.pdf: error: cannot write the file: No space left on device`` (or ``cannot
write in dist/…`` when the folder refuses the temporary).

A write given the folder it must stay ``within`` (the output folder) refuses, before it
creates anything, a destination whose folders lead out of it through a link
(:class:`OutsideError`): a ``dist/<issue>`` that is a link to another site is never
written through.

A destination that exists and is not a regular file — a device, a named pipe, a socket,
a folder, or a link (even to a regular file) — is never replaced (:class:`NotReplacedError`):
renaming over it would put a file where a device node was (as root), or leave a link a
received project made pointing elsewhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterator

from zinekit.errors import ZinekitError, display_path
from zinekit.safety.limits import irregular_kind

TEMP_PREFIX = ".zinekit-tmp-"
STALE_AFTER_SECONDS = 3600
_TAGGED = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-([0-9a-f]{8})-")


class WriteError(ZinekitError, OSError):
    """An output file could not be written; the previous file, if any, is untouched.
    ``folder`` is where the temporary could not be made, when that is what failed."""

    def __init__(self, destination: Path, cause: OSError, folder: Path | None = None) -> None:
        reason = cause.strerror or str(cause) or type(cause).__name__
        what = f"in {display_path(folder)}" if folder is not None else "the file"
        super().__init__(f"{display_path(destination)}: error: cannot write {what}: {reason}")


def host_tag() -> str:
    """Eight hex digits naming this machine in temporary names."""
    import socket  # loaded when a file is written, not at every start

    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def temporary_prefix() -> str:
    """The start of the names of the temporaries this process writes."""
    return f"{TEMP_PREFIX}{os.getpid()}-{host_tag()}-"


class OutsideError(ZinekitError):
    """A destination whose folders lead, through a link, out of the output folder."""

    def __init__(self, destination: Path, link: Path, within: Path) -> None:
        super().__init__(f"error: not written: {display_path(destination)}: "
                         f"{display_path(link)} leads to {link.resolve()} through a link, "
                         f"outside the output folder {display_path(within)}")


def check_within(destination: Path, within: Path) -> None:
    """Raise :class:`OutsideError` when the deepest existing folder (or link) on the way
    to ``destination`` resolves outside ``within`` (itself resolved as named)."""
    limit = Path(os.path.abspath(within))
    probe = Path(os.path.abspath(destination)).parent
    if not probe.is_relative_to(limit):
        raise OutsideError(destination, probe, Path(within))
    while probe != limit and not os.path.lexists(probe):
        probe = probe.parent
    if probe != limit and not probe.resolve().is_relative_to(limit.resolve()):
        raise OutsideError(destination, probe, Path(within))


class NotReplacedError(ZinekitError):
    """A destination that is there and is not a regular file: nothing is written over it."""

    def __init__(self, destination: Path, kind: str) -> None:
        super().__init__(f"{display_path(destination)}: error: not written: it is {kind}, not a "
                         "regular file, and zinekit replaces only regular files (remove it, or "
                         "write elsewhere)")


def check_replaceable(destination: str | os.PathLike[str]) -> None:
    """Raise :class:`NotReplacedError` when ``destination`` exists, not a regular file."""
    kind = irregular_kind(destination, follow_links=False)
    if kind is not None:
        raise NotReplacedError(Path(destination), kind)


@contextlib.contextmanager
def atomic_path(destination: str | os.PathLike[str],
                within: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """Yield a temporary path to write; rename it to ``destination`` on success.

    Any OSError while preparing, writing or renaming becomes a :class:`WriteError`;
    the temporary is removed whatever happens (an exception, Ctrl-C, SIGTERM).  With
    ``within``, a destination leading out of that folder is refused first; a destination
    that is not a regular file (a link, a device …) always is.
    """
    dest = Path(destination)
    if within is not None:
        check_within(dest, Path(within))
    check_replaceable(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale_temporaries(dest.parent, recursive=False)
        fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(), suffix=dest.suffix, dir=dest.parent)
        os.close(fd)
    except OSError as exc:
        raise WriteError(dest, exc, _failed_folder(exc, dest)) from exc
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        _flush_to_disk(tmp_path)
        os.chmod(tmp_path, 0o644)
        check_replaceable(dest)  # made while this was written: still not replaced
        os.replace(tmp_path, dest)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, ZinekitError):
            raise WriteError(dest, exc) from exc
        raise


def _failed_folder(exc: OSError, dest: Path) -> Path:
    """The folder a failed mkdir or mkstemp names, or the file standing where one of its
    folders should be (``dist`` a file: ``cannot write in dist: Not a directory``)."""
    named = Path(os.fsdecode(exc.filename)) if exc.filename else dest.parent
    if named.name.startswith(TEMP_PREFIX):
        named = named.parent
    probe = named
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    return probe if os.path.lexists(probe) and not probe.is_dir() else named


def _flush_to_disk(path: Path) -> None:
    """fsync the finished temporary: a disk that fills up on flush fails here, before
    the rename, and a crash right after the rename cannot leave an empty file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes(destination: str | os.PathLike[str], data: bytes,
                within: str | os.PathLike[str] | None = None) -> None:
    """Write ``data`` to ``destination`` atomically (inside ``within`` if given)."""
    with atomic_path(destination, within) as tmp, open(tmp, "wb") as handle:
        handle.write(data)


def write_text(destination: str | os.PathLike[str], text: str,
               within: str | os.PathLike[str] | None = None) -> None:
    write_bytes(destination, text.encode("utf-8"), within)


def is_stale(temporary: Path, now: float | None = None) -> bool:
    """True if no running process can still be writing ``temporary`` (see the module doc)."""
    try:
        age = (time.time() if now is None else now) - temporary.stat().st_mtime
    except OSError:
        return False
    if age > STALE_AFTER_SECONDS:
        return True
    tagged = _TAGGED.match(temporary.name)
    if tagged is None or tagged.group(2) != host_tag():
        return False  # an old-style name, or another machine's: only the age tells
    return not process_exists(int(tagged.group(1)))


def process_exists(pid: int) -> bool:
    """True if a process with this id runs on this machine (whoever owns it)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return True  # cannot tell: keep the file
    return True


def sweep_stale_temporaries(folder: str | os.PathLike[str], recursive: bool = True) -> int:
    """Remove temporaries that killed builds left in ``folder``; return how many."""
    root = Path(folder)
    if not root.is_dir():
        return 0
    found = root.rglob(TEMP_PREFIX + "*") if recursive else root.glob(TEMP_PREFIX + "*")
    removed = 0
    now = time.time()
    for tmp in list(found):
        if tmp.is_symlink() or not is_stale(tmp, now):
            continue
        with contextlib.suppress(OSError):
            if tmp.is_file():
                tmp.unlink()
                removed += 1
            elif tmp.is_dir():  # a folder staged whole (the search index)
                shutil.rmtree(tmp)
                removed += 1
    return removed
