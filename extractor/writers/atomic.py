"""Write a file all at once or not at all.

A writer writes to a temporary file in the target's own folder; only when it
has finished is the temporary file moved over the target with
:func:`os.replace`, which is atomic on one file system. If the writer fails,
the temporary file is removed and an existing target is left as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from ..errors import OutputError


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write; on success it becomes ``path``.

    The temporary file sits next to ``path`` and is named after it, so a
    crash leaves it where the user can see what it was. It is removed if
    the ``with`` block raises.
    """
    target = Path(path)
    tmp = _temporary_file(target)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise _output_error(target, exc) from exc
    except BaseException:
        _remove(tmp)
        raise


def atomic_write(path: Path | str, writer_fn: Callable[[Path], object]) -> Path:
    """Call ``writer_fn`` on a temporary path, then move the result to ``path``.

    Returns ``path``. Raises :class:`OutputError` when the file cannot be
    written; any other error of ``writer_fn`` propagates unchanged. Either
    way nothing is left behind and an existing ``path`` is untouched.
    """
    with atomic_path(path) as tmp:
        writer_fn(tmp)
    return Path(path)


def _temporary_file(target: Path) -> Path:
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise _output_error(target, exc) from exc
    os.close(fd)
    return Path(name)


def _remove(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass  # the original error matters more than a leftover temp file


def _output_error(target: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(
        f"cannot write {target.name}: {reason}; check that the folder exists "
        "and is writable, and close the file if it is open in Excel",
        path=str(target),
    )


@cache
def _umask() -> int:
    # os.umask can only be read by setting it, so set it back at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
