"""Where the tool keeps its files, and how it writes them safely.

Every file the tool writes (drafts, records, autosaves, crash reports) goes
through write_private(): a temp file in the same directory, fsync, then an
atomic rename, with mode 0600, so a crash or kill -9 never leaves half a file
and nobody else on the machine can read a caller's details.
"""

from __future__ import annotations

import os
import sys

from .errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

APP = "kela-ohjaus"


_XDG = {
    "state": ("XDG_STATE_HOME", ".local/state"),
    "data": ("XDG_DATA_HOME", ".local/share"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
}


def _base(kind: str) -> str:
    """The directory for `kind`, as a string (pathlib is left out of the fast path)."""
    override = os.environ.get("KELA_OHJAUS_HOME")
    if override:
        return os.path.join(override, kind)
    if sys.platform.startswith("linux"):
        # The XDG rules platformdirs applies on Linux, without its ~18 ms import.
        variable, default = _XDG[kind]
        root = os.environ.get(variable) or os.path.join(os.path.expanduser("~"), default)
        return os.path.join(root, APP)
    import platformdirs

    return getattr(platformdirs, f"user_{kind}_dir")(APP, appauthor=False)


def state_dir() -> Path:
    from pathlib import Path

    return Path(_base("state"))


def data_dir() -> Path:
    from pathlib import Path

    return Path(_base("data"))


def cache_path(name: str) -> str:
    return os.path.join(_base("cache"), name)


def write_private(path: Path | str, content: bytes | str, *, overwrite: bool = False) -> Path:
    """Atomically write `content` to `path` with mode 0600.

    Refuses to replace an existing file unless `overwrite` is true (the CLI's
    --force, or the user's explicit yes in a front end).
    """
    from pathlib import Path

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory (hakemisto)")
    if path.exists() and not overwrite:
        raise InputError(f"{path}: file exists; not overwritten (tiedosto on jo olemassa; käytä --force)")
    import tempfile  # lazily: most commands never write

    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path
