"""The result store, ``dist/.zinekit/store/``: every build's outputs keyed by the hash
of its inputs (content-addressed), so that a result built once — by this machine or any
worker of a cluster writing to the same storage — is never rendered again while its
inputs are the same: an output deleted, a change undone, a theme tried and changed back
are restored from the store.  Files are kept once per content (hard links to the
outputs where the file system allows); the store keeps the last :data:`KEPT_RESULTS`
results of each issue.

Its layout is the store's own and nothing else is read or removed there::

    store/results/<issue>/<64 hex digits>.json   a result: signed, named by its inputs' hash
    store/files/<2 hex>/<64 hex digits>          a file, named by the SHA-256 of its bytes

A received project's store is untrusted (:mod:`zinekit.safety.trust`): a result is used only
when signed by this user and every file it names is a regular file whose bytes have the
digest of its name; a folder of the store that is a link is neither read, written nor
pruned; pruning removes only regular files named as the store names them, directly in
its own folders.  Everything else is left alone with a warning, and the issue is built.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from pathlib import Path
from typing import Any, Callable

from zinekit.errors import display_path
from zinekit.model import BuildManifest
from zinekit.safety.output import check_within, write_bytes
from zinekit.safety.trust import is_digest, not_a_folder, real_folder, regular_file

MANIFEST_FOLDER = ".zinekit"  # the build's bookkeeping, in the output folder
STORE_FOLDER = "store"
KEPT_RESULTS = 3  # results kept per issue
STALE_BLOB_SECONDS = 3600  # a file no result names is removed once this old
_RESULT_NAME = re.compile(r"[0-9a-f]{64}\.json")
_SHARD_NAME = re.compile(r"[0-9a-f]{2}")

Warn = Callable[[str], None]


def _ignore(message: str) -> None:
    return None


def store_folder(out: Path) -> Path:
    """The store of the output folder that holds ``out`` (``dist/<slug>``)."""
    return out.parent / MANIFEST_FOLDER / STORE_FOLDER


def usable(out_root: Path, folder: Path, warn: Warn = _ignore) -> bool:
    """``folder`` (under the store) and every folder on the way from ``out_root`` are
    folders, not links: else the store is not used, with a warning."""
    offender = not_a_folder(folder, out_root)
    if offender is None:
        return True
    kind = "a link" if offender.is_symlink() else "not a folder"
    warn(f"{display_path(offender)}: warning: the build's store is not used: it is {kind} "
         "(a received output folder?); nothing is read, written or removed through it")
    return False


def _result_path(out: Path, key: str) -> Path:
    return store_folder(out) / "results" / out.name / f"{key}.json"


def _blob_path(out: Path, digest: str) -> Path:
    return store_folder(out) / "files" / digest[:2] / digest


def keep(out: Path, manifest: BuildManifest, data: bytes, key: str) -> None:
    """Keep the outputs just written in ``out`` under the hash of their inputs, ``key``:
    each file once by content (first), then the result naming them."""
    root = out.parent
    if not usable(root, _result_path(out, key).parent):
        return
    for name, digest in manifest.outputs.items():
        blob = _blob_path(out, digest)
        if not usable(root, blob.parent) or (regular_file(blob) and _digest(blob) == digest):
            continue
        check_within(blob, root)
        blob.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.unlink(blob)  # not the file its name says: a link, or other bytes
        try:
            os.link(out / name, blob, follow_symlinks=False)  # the same bytes: no copy
        except FileExistsError:
            pass
        except OSError:
            write_bytes(blob, (out / name).read_bytes(), within=root)
    write_bytes(_result_path(out, key), data, within=root)


def restore(out: Path, key: str, read: Callable[[Path], BuildManifest | None],
            warn: Warn = _ignore) -> tuple[BuildManifest, Path] | None:
    """The result stored under ``key`` with each of its files checked (a regular file
    with the digest of its name), written back into ``out``; None when there is none."""
    root = out.parent
    path = _result_path(out, key)
    if not usable(root, path.parent) or not regular_file(path):
        return None
    found = read(path)
    if found is None:
        return None
    blobs = {name: _blob_path(out, digest) for name, digest in found.outputs.items()}
    for name, blob in blobs.items():
        if not (usable(root, blob.parent) and _intact(blob, found.outputs[name], warn)):
            return None
    for name, blob in blobs.items():
        target = out / name
        if not (regular_file(target) and _digest(target) == found.outputs[name]):
            write_bytes(target, blob.read_bytes(), within=root)
    os.utime(path, follow_symlinks=False)
    return found, path


def _digest(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (``hashlib.file_digest`` is Python 3.11's)."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _intact(blob: Path, digest: str, warn: Warn) -> bool:
    if not regular_file(blob):
        if os.path.lexists(blob):
            warn(f"{display_path(blob)}: warning: ignored: not a regular file of the build's "
                 "store; the issue is built")
        return False
    if _digest(blob) != digest:
        warn(f"{display_path(blob)}: warning: ignored: its content does not match its name "
             "(a file of the build's store changed or forged); the issue is built")
        return False
    return True


def prune(out_root: Path, read: Callable[[Path], BuildManifest | None],
          warn: Warn = _ignore) -> None:
    """Keep the newest :data:`KEPT_RESULTS` results of each issue, and the files they
    name; a file no result names is removed once it is an hour old (a build writing
    it now names it soon).  Only the store's own files are removed (see above)."""
    folder = out_root / MANIFEST_FOLDER / STORE_FOLDER
    if not os.path.lexists(folder) or not usable(out_root, folder / "results", warn) \
            or not usable(out_root, folder / "files", warn):
        return
    named: set[str] = set()
    for issue in _entries(folder / "results", lambda name: not name.startswith("."), warn, folders=True):
        results = sorted(_entries(issue, _RESULT_NAME.fullmatch, warn), key=_mtime, reverse=True)
        for old in results[KEPT_RESULTS:]:
            with contextlib.suppress(OSError):
                old.unlink()
        for kept in results[:KEPT_RESULTS]:
            manifest = read(kept)
            named.update(manifest.outputs.values() if manifest else ())
    _prune_files(folder / "files", named, warn)


def _prune_files(files: Path, named: set[str], warn: Warn) -> None:
    now = time.time()
    for shard in _entries(files, _SHARD_NAME.fullmatch, warn, folders=True):
        for blob in _entries(shard, lambda name: is_digest(name) and name[:2] == shard.name, warn):
            if blob.name not in named and now - _mtime(blob) > STALE_BLOB_SECONDS:
                with contextlib.suppress(OSError):
                    blob.unlink()


def _entries(folder: Path, named_well: Callable[[str], Any], warn: Warn,
             folders: bool = False) -> list[Path]:
    """The entries of ``folder`` the store wrote: real folders (``folders``) or regular
    files whose names ``named_well`` accepts; every other entry is left, with a warning."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found = []
    for name in names:
        path = folder / name
        own = real_folder(path, folder) and path.is_dir() if folders else regular_file(path)
        if own and named_well(name):
            found.append(path)
        elif not name.startswith(".zinekit-tmp-"):
            warn(f"{display_path(path)}: warning: left alone: not an entry of the build's store")
    return found


def _mtime(path: Path) -> float:
    try:
        return os.lstat(path).st_mtime
    except OSError:
        return 0.0
