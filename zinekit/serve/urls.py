"""What the preview server reads from a request's address: hosts, numbers and paths,
each checked before it names a file."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import unquote


def unbracketed(host: str) -> str:
    """``[::1]`` (an IPv6 address as a URL writes it) → ``::1``; other names as given."""
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def parse_number(value: str | None, digits: int = 9) -> int | None:
    """A number of at most ``digits`` ASCII digits, or None (``²`` is a digit to
    ``str.isdigit`` but no number to ``int``; 5,000 digits are refused by ``int``)."""
    if value is None or not re.fullmatch(f"[0-9]{{1,{digits}}}", value):
        return None
    return int(value)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def safe_parts(url_path: str) -> list[str] | None:
    """The segments of a decoded URL path, or None if any could leave its folder.

    ``..``, hidden names (``.git``), backslashes and NUL are refused; percent-encoding is
    decoded once, so ``..%2f`` is a ``..`` and ``%252e`` a literal name.
    """
    decoded = unquote(url_path)
    if "\0" in decoded or "\\" in decoded:
        return None
    parts = [p for p in decoded.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    return parts


def file_inside(root: Path, parts: list[str]) -> Path | None:
    """``root/parts`` if it is a file whose real path is inside ``root`` (no symlink out)."""
    root = root.resolve()
    candidate = root.joinpath(*parts).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None
