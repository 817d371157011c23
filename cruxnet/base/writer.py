"""The one way cruxnet writes a file: whole or not at all.

Every file the tool writes (pages, pictures, reports, exported networks, worldviews, plots)
goes through :func:`write_atomic`: the bytes go to a temporary file in the same folder, are
flushed and synced to disk, and only then renamed over the target. A full disk, a killed
process or a Ctrl-C leaves the old file as it was (or no file), never a truncated one, and
the error says so. :func:`check_writable` checks an output path before any work is done.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from cruxnet.base.errors import WriteError

__all__ = ["WriteError", "check_folder", "check_writable", "write_atomic", "write_atomic_by",
           "write_many"]


def check_writable(path: str | os.PathLike[str], *, what: str = "output",
                   suffixes: Sequence[str] = (), inputs: Sequence[str | None] = ()) -> Path:
    """``path`` as a Path if a file can be written there: its folder exists and is writable,
    and it is not itself a folder. Called before computing, so a bad path fails at once.

    >>> check_writable("/nonexistent-folder/x.html")
    Traceback (most recent call last):
    ...
    cruxnet.base.errors.WriteError: /nonexistent-folder/x.html: cannot write the output: ...
    """
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if str(path).endswith(("/", os.sep)) or str(path) in ("", "-"):
        raise WriteError(f"{str(path) or repr('')}: cannot write the {what}: give a file name")
    if p.is_dir():
        raise WriteError(f"{p}: cannot write the {what}: it is a folder; give a file name")
    if not folder.is_dir():
        raise WriteError(f"{p}: cannot write the {what}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(f"{p}: cannot write the {what}: the folder {folder} is not writable")
    if p.exists() and not os.access(p, os.W_OK):
        raise WriteError(f"{p}: cannot write the {what}: the file is read-only")
    if suffixes and p.suffix.lower() not in suffixes:
        raise WriteError(f"{p}: the {what} is written as {' or '.join(suffixes)}; give a file "
                         "name ending so")
    if p.exists() and not p.is_file():
        raise WriteError(f"{p}: cannot write the {what}: it is not a regular file")
    for given in inputs:
        if given and p.exists() and Path(given).exists() and p.samefile(given):
            raise WriteError(f"{p}: cannot write the {what} over a file it is made from")
    return p


@contextlib.contextmanager
def _staged(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path``, removed unless it was renamed into place."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _write_synced(tmp: Path, data: bytes) -> None:
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fail(path: Path, existed: bool, exc: OSError) -> WriteError:
    kept = ("the old file is unchanged" if existed else "no file was written")
    reason = exc.strerror or str(exc)
    return WriteError(f"{path}: cannot write ({reason}); {kept}")


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` whole, or leave the old file untouched and
    raise :class:`WriteError` saying so. Returns the path written."""
    p = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    existed = p.exists()
    try:
        with _staged(p) as tmp:
            _write_synced(tmp, raw)
            if existed:
                with contextlib.suppress(OSError):
                    os.chmod(tmp, p.stat().st_mode & 0o7777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, p)
    except OSError as exc:
        raise _fail(p, existed, exc) from None
    return p


def write_many(files: Sequence[tuple[str | os.PathLike[str], str | bytes]]) -> list[Path]:
    """Write several files that belong together: every one is staged and synced first, then
    all are renamed into place, so a failure while staging leaves every old file as it was."""
    paths = [Path(p) for p, _ in files]
    staged: list[tuple[Path, Path]] = []
    try:
        for p, (_, data) in zip(paths, files, strict=True):
            fd, name = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
            os.close(fd)
            staged.append((Path(name), p))
            _write_synced(Path(name), data.encode("utf-8") if isinstance(data, str)
                          else bytes(data))
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(name, 0o666 & ~umask)
        for tmp, p in staged:
            os.replace(tmp, p)
    except OSError as exc:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        where = paths[len(staged) - 1] if staged else paths[0]
        raise WriteError(f"{where}: cannot write ({exc.strerror or exc}); the files already "
                         "there are unchanged") from None
    return paths


def write_atomic_by(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Like :func:`write_atomic` for a writer that wants a path (``write(tmp)``, e.g. a netCDF
    writer): it writes a temporary file beside ``path``, which is then renamed into place."""
    p = Path(path)
    existed = p.exists()
    try:
        with _staged(p) as tmp:
            write(tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, p)
    except OSError as exc:
        raise _fail(p, existed, exc) from None
    return p


def check_folder(path: str | os.PathLike[str], *, what: str = "output") -> Path:
    """``path`` as a Path if it is, or can be made, a writable folder (checked before the work,
    so a report into a read-only folder fails at once, not after the computing)."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise WriteError(f"{p}: cannot write the {what} there: it is a file, not a folder")
    existing = p
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise WriteError(f"{p}: cannot write the {what} there: {existing} is not writable")
    return p
