"""What a build may believe of its own bookkeeping in a project it did not write.

A received project may ship its output folder: ``dist/.zinekit/`` with manifests saying
"up to date", a result store with entries named ``../../x`` or pointing at files outside
the project, links where folders should be.  Nothing found there is believed unless

1. it is signed: every manifest, result and stamp zinekit writes carries an HMAC-SHA256
   of its content under a key of this user's (``$XDG_CACHE_HOME/zinekit/store-key``,
   made on first use, readable by this user only).  A project's sender has another key,
   so a shipped manifest is read as "never built here" and the issue is built again;
2. every name read from it is a name, not a path: a digest is 64 hex digits, an output
   is a plain relative file name (:func:`output_name_ok`);
3. every folder and file of it is itself, not a link (:func:`real_folder`,
   :func:`regular_file`): the store's folders are checked with ``lstat`` before they are
   read, written or pruned.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any

from zinekit.filecache import user_cache

SIGNATURE = "signature"
DIGEST = re.compile(r"[0-9a-f]{64}")

_key: list[bytes] = []  # this process's key, read once


def key_path() -> Path:
    return user_cache() / "store-key"


def store_key() -> bytes:
    """This user's signing key, read (or made) once a process; a key of this process
    only when the cache folder cannot be written (nothing is then reused across builds)."""
    if not _key:
        _key.append(_read_or_make_key(key_path()))
    return _key[0]


def use_store_key(key: bytes) -> None:
    """Sign with ``key`` (a cluster's worker is given the planning machine's)."""
    _key[:] = [key]


def _read_or_make_key(path: Path) -> bytes:
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
    except FileExistsError:
        return _read_or_make_key(path) if path.is_file() and not path.is_symlink() else key
    except OSError:
        return key
    return key


def _mac(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(store_key(), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def signed(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with this user's signature of it."""
    unsigned = {k: v for k, v in data.items() if k != SIGNATURE}
    return {**unsigned, SIGNATURE: _mac(unsigned)}


def verified(data: Any) -> dict[str, Any] | None:
    """``data`` (read from JSON) if this user signed it, else None."""
    if not isinstance(data, dict) or not isinstance(data.get(SIGNATURE), str):
        return None
    unsigned = {k: v for k, v in data.items() if k != SIGNATURE}
    return unsigned if hmac.compare_digest(data[SIGNATURE], _mac(unsigned)) else None


def is_digest(name: Any) -> bool:
    return isinstance(name, str) and DIGEST.fullmatch(name) is not None


def output_name_ok(name: Any) -> bool:
    """A name an output of an issue may have in its manifest: a relative path of parts
    joined by ``/``, none empty, ``.`` or ``..``, without ``\\`` or NUL (never absolute)."""
    return isinstance(name, str) and 0 < len(name) < 1024 and "\\" not in name and \
        "\0" not in name and all(part not in ("", ".", "..") for part in name.split("/"))


def regular_file(path: Path) -> bool:
    """``path`` is a regular file itself (a link, even to a file, is not)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def real_folder(path: Path, within: Path) -> bool:
    """Every folder from ``within`` (excluded) down to ``path`` that exists is a folder
    itself, not a link; the missing rest may be made."""
    return not_a_folder(path, within) is None


def not_a_folder(path: Path, within: Path) -> Path | None:
    """The first path from ``within`` (excluded) down to ``path`` that exists and is
    not a folder itself (a link, a file), or None."""
    relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(within))
    probe = Path(os.path.abspath(within))
    for part in relative.parts:
        probe = probe / part
        try:
            mode = os.lstat(probe).st_mode
        except FileNotFoundError:
            return None
        except OSError:
            return probe
        if not stat.S_ISDIR(mode):
            return probe
    return None
