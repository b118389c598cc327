"""Writing a file in one step: what the maintainers' tools, the benchmarks and the tests save (notebooks, tables,
screenshots) is either the old file or the whole new one, never half of it."""

from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def _why_not_written(path: Path, err: OSError) -> OSError:
    """An OSError whose message names the real reason a file could not be written, and what to do."""
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = f"no permission to write in {path.parent} (a read-only copy of the project?); make it writable"
    elif err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = "the disk is full; free some space and run the cell again"
    elif path.is_dir():
        reason = f"{path} is a folder; move it away and run the cell again"
    else:
        reason = str(err)
    return OSError(err.errno, f"could not write {path.name}: {reason}. Nothing already saved there was changed.")


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one step. If the block fails
    (or the process is killed), ``path`` keeps its old content; after a kill a hidden ``.<name>.*.tmp`` stays,
    which git ignores."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise _why_not_written(path, err) from None
    umask = os.umask(0)
    os.umask(umask)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp (and safetensors) make 0600 files; give the usual mode
        os.replace(tmp, path)
    except OSError as err:
        raise _why_not_written(path, err) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
