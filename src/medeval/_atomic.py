"""Writing a file whole or not at all (private): a temporary file beside the target,
renamed over it once written, so that an interrupted write (a signal, a full disk)
leaves the earlier file as it was and no part of the new one under its name."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "hidden_prefix", "identity", "place", "place_new", "write_named"]


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it, which sets it: at import, not in the
    os.umask(mask)      # middle of a run whose threads create files
    return mask


_UMASK = _umask()


def hidden_prefix(path: Path) -> str:
    """The start of a temporary file's name beside ``path``: hidden, after ``path``'s
    name, but as many of its first characters as fit in 64 bytes, so that the temporary
    name fits where ``path``'s does (a name of 250 characters is a good one; with the
    temporary file's own characters it passed the file system's 255 and failed, 'File
    name too long'). Bytes, not characters: the limit is in bytes, and 64 characters of
    four bytes each (CJK Extension B, emoji) are 256.

    >>> hidden_prefix(Path("성적서_" + "가" * 80 + ".pdf"))  # 3 bytes a syllable
    '.성적서_가가가가가가가가가가가가가가가가가가.'
    """
    name = path.name[:64]
    while len(os.fsencode(name)) > 64:
        name = name[:-1]
    return f".{name}."


def place_new(partial: Path, destination: Path) -> None:
    """Give the finished file ``partial`` the name ``destination``, never over a file of
    that name (made meanwhile, by another backup or issue to it, say: FileExistsError).
    A hard link is made only where no file is; a file system without hard links gets the
    name taken first (``x`` mode). ``partial`` stays where it was (remove it after)."""
    try:
        os.link(partial, destination)
    except FileExistsError:
        raise
    except OSError:  # no hard links (FAT, some network shares)
        with destination.open("xb"):
            pass
        os.replace(partial, destination)


#: What tells one file under a name from another put there later: device, inode, size and
#: modification time (an inode number alone may be given again once its file is gone).
Identity = tuple[int, int, int, int]


def identity(path: Path) -> Identity | None:
    """The file under the name ``path`` now (a symbolic link itself, not what it points
    to), or None where no file has that name (or a folder above it is a file)."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def place(partial: Path, destination: Path, *, over: Identity | None) -> None:
    """Give the finished file ``partial`` the name ``destination``: where no file had that
    name (``over`` None, as :func:`identity` found it before the file was made), never
    over one (:func:`place_new`); else over that file only, not over another put there
    meanwhile (by a second issue to the same name, say): ``FileExistsError``. The look
    and the rename are one step for every process that places through here (an exclusive
    ``flock`` on the folder): two issues to one existing name both found it, both
    replaced it, and the first one's certificate was gone. ``partial`` is removed."""
    try:  # a folder one may write in but not list (-wx) cannot be opened: not locked
        folder: int | None = os.open(destination.parent, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        folder = None
    try:
        with contextlib.suppress(OSError):  # a file system without locks: still looked at
            if folder is not None:
                fcntl.flock(folder, fcntl.LOCK_EX)
        now = identity(destination)
        if now is None:
            place_new(partial, destination)
            partial.unlink(missing_ok=True)  # gone already where there are no hard links
        elif now == over:
            os.replace(partial, destination)
        else:
            raise FileExistsError(destination)
    finally:
        if folder is not None:
            os.close(folder)  # lets go of the lock


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place.

    The file gets the permissions a new file gets (``0o666`` less the umask the process
    had when this module was imported), not ``mkstemp``'s ``0o600``. ``durable=True``
    also flushes it to disk (``fsync``) before the rename; the temporary file is removed
    on any failure.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=hidden_prefix(path))
    try:
        os.chmod(temporary, 0o666 & ~_UMASK)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_named(path: Path, data: bytes, *, what: str,
                error: Callable[[str], Exception]) -> None:
    """:func:`atomic_write` into ``path``'s folder, made if missing; a failure to write
    (the path a folder, a file where a folder above it should be, no permission, a full
    disk) raised as ``error`` naming ``what`` and the path, not as Python's ``OSError``
    (kept as its ``__cause__``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except (FileExistsError, NotADirectoryError) as exc:
        raise error(f"{what} {path}: cannot be written: a folder above it is a file; give a "
                    "path in a folder (it is made if missing)") from exc
    except IsADirectoryError as exc:
        raise error(f"{what} {path}: cannot be written: it is a folder; give a file's "
                    "name") from exc
    except OSError as exc:
        raise error(f"{what} {path}: cannot be written ({exc.strerror or exc})") from exc
