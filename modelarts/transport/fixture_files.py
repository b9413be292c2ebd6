"""A fixture's files on disk: the atomic write, and side files read safely.

``write_rendered`` writes what ``fixture_format.render_fixture`` produced so
that a crash never leaves a partial fixture; ``read_side_file`` is the only way
a side file (a binary body next to its fixture) is read, by the writer and by
``fixture_format.load_fixture`` alike.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from .fixture_format import RenderedFixture

__all__ = ["read_side_file", "side_file_pattern", "write_rendered"]

PathLike = Union[str, "os.PathLike[str]"]

# A temp file this old belongs to a writer that died (a write takes milliseconds).
_STALE_TEMP_SECONDS = 60.0


def write_rendered(rendered: RenderedFixture, path: PathLike) -> None:
    """Write a rendered fixture so that a crash never leaves a partial fixture.

    Side files go first, under content-addressed names, so they never change a
    file the previous version still refers to; then the main file replaces the
    old one in one ``os.replace``. Only after that are side files no longer
    referenced, and temp files of writers that died, removed.
    """
    target = Path(path)
    directory = target.parent
    mode = _file_mode(target)
    for name, data in rendered.side_files.items():
        if not _holds(directory / name, data):
            _write_atomically(directory / name, data, mode)
    _write_atomically(target, rendered.text.encode("utf-8"), mode)
    _remove_leftovers(target, set(rendered.side_files))


def _holds(side: Path, data: bytes) -> bool:
    """Whether ``side`` is a side file holding ``data`` already (a link never is)."""
    try:
        return read_side_file(side) == data
    except (OSError, ValueError):
        return False


def _file_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o644


def _write_atomically(target: Path, data: bytes, mode: int) -> None:
    import tempfile  # writing only: replaying never loads it (nor shutil and random)

    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def side_file_pattern(stem: str) -> "re.Pattern[str]":
    """Names of the side files of ``<stem>.json``: ``<stem>.<n>[.request].<hash>.bin``."""
    return re.compile(rf"{re.escape(stem)}\.\d+(\.request)?\.[0-9a-f]{{12}}\.bin")


def read_side_file(path: Path) -> bytes:
    """The bytes of a side file, which must be a regular file of its own.

    Raises ``ValueError`` saying why for a symbolic link (it could point at any
    file on the machine), a hard link to another file, or anything but a regular
    file (a directory, a FIFO, a device); ``OSError`` when it cannot be read.
    Opened without following a link, so a link swapped in after the check is
    refused as well.
    """
    if path.is_symlink():
        raise ValueError("is a symbolic link; a side file must be a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ValueError("is a symbolic link; a side file must be a regular file") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("is not a regular file")
        if info.st_nlink > 1:
            raise ValueError("is a hard link shared with another file; copy it instead")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as stream:
        return stream.read()


def _remove_leftovers(target: Path, keep: "set[str]") -> None:
    side = side_file_pattern(target.stem)
    temp = re.compile(rf"\.{re.escape(target.stem)}\..*\.tmp")
    now = time.time()
    for entry in target.parent.iterdir():
        with contextlib.suppress(OSError):
            unreferenced = side.fullmatch(entry.name) is not None and entry.name not in keep
            abandoned = temp.fullmatch(entry.name) is not None and (
                now - entry.stat().st_mtime > _STALE_TEMP_SECONDS
            )
            if unreferenced or abandoned:
                entry.unlink()
