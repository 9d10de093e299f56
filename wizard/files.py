"""Where the tool keeps its files, and how it reads and writes them safely.

Every file the tool writes (drafts, records, autosaves, crash reports, the
cache) goes through write_private() or write_all(): a temp file in the same
directory, fsync, then an atomic rename, with mode 0600, so a crash or kill -9
never leaves half a file and nobody else on the machine can read a caller's
details. Only regular files are ever replaced: a device, FIFO, socket or
symlink at the target is refused, never clobbered. Directories the tool
creates are 0700.

Every file the tool reads goes through read_bytes(): regular files only (a
FIFO would hang, /dev/zero would never end), with the size limit enforced
while reading, since stat() says nothing about what a special file yields.

Errors are InputError (exit 1) or UsageError (exit 2, a missing file) with a
Finnish message naming the file, so front ends can catch them and ask again.
"""

from __future__ import annotations

import os
import stat
import sys

from .errors import InputError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

APP = "kela-ohjaus"

# The largest file the tool reads unless a caller asks for less: records and
# autosaves are a few KB; a 10,000-node flow is ~2 MB.
MAX_READ_BYTES = 8 * 1024 * 1024
# A temp file whose writer died (kill -9) is removed by the next write of the
# same file; one whose owner cannot be told (no pid in the name) after this long.
STALE_TEMP_SECONDS = 3600


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


class FileTooLarge(InputError):
    """The file is larger than the caller's limit (found while reading it)."""

    def __init__(self, path: object, limit: int) -> None:
        self.limit = limit
        super().__init__(f"{path}: tiedosto on liian suuri (enintään {limit} tavua luetaan)")


class NotRegularFile(InputError):
    """A device, FIFO or socket where a regular file is expected."""

    def __init__(self, path: object, verb: str) -> None:
        super().__init__(
            f"{path}: ei ole tavallinen tiedosto (laite, putki, pistoke tai linkki); sitä ei {verb}. "
            "Anna tavallisen tiedoston nimi."
        )


def _os_message(path: object, exc: OSError, verb: str) -> str:
    """A Finnish message for an OSError, naming the file."""
    import errno

    reasons = {
        errno.ENAMETOOLONG: "tiedoston nimi on liian pitkä",
        errno.EACCES: "ei käyttöoikeutta",
        errno.EPERM: "ei käyttöoikeutta",
        errno.EROFS: "levy on vain luettavissa",
        errno.ENOSPC: "levy on täynnä",
        errno.EDQUOT: "levytila on lopussa",
        errno.ENOTDIR: "polun osa ei ole hakemisto",
        errno.ENOENT: "hakemistoa tai tiedostoa ei ole",
        errno.EISDIR: "on hakemisto, ei tiedosto",
        errno.ELOOP: "liian monta symbolista linkkiä",
        errno.EIO: "levyvirhe",
    }
    reason = reasons.get(exc.errno or 0, f"järjestelmävirhe {exc.errno}" if exc.errno else "tuntematon virhe")
    return f"{path}: tiedostoa ei voi {verb}: {reason}."


def user_path(name: str) -> Path:
    """A file name as the user typed it (`~` expanded), or InputError with a clear message."""
    from pathlib import Path

    name = name.strip()
    if not name:
        raise InputError("Tiedoston nimi puuttuu.")
    if "\x00" in name:
        raise InputError("Tiedoston nimessä on NUL-merkki.")
    expanded = os.path.expanduser(name)
    if expanded.startswith("~"):
        user = expanded[1:].split(os.sep, 1)[0]
        raise InputError(f"{name}: käyttäjää '{user}' ei ole; anna tiedoston nimi ilman ~-lyhennettä.")
    # Checked on the text: Path drops a trailing "/" or "/.", so "x.eml/" would name the file x.eml.
    if os.path.basename(expanded) in ("", ".", ".."):
        raise InputError(f"{name}: tiedoston nimi puuttuu (nimi päättyy hakemistoon); anna tiedoston nimi.")
    # A typed name never creates directories: a typo'd path is said, not made (one rule for -o,
    # --record and the front ends' save prompts; the tool's own state directories are made as needed).
    folder = os.path.dirname(expanded) or "."
    if not os.path.isdir(folder):
        if os.path.lexists(folder):
            raise InputError(f"{name}: '{folder}' ei ole hakemisto; anna nimi olemassa olevassa hakemistossa.")
        from shlex import quote

        raise InputError(
            f"{name}: hakemistoa '{folder}' ei ole. Tarkista polku, tai luo hakemisto ensin (mkdir -p {quote(folder)})."
        )
    return Path(expanded)


# ---------------------------------------------------------------- reading


def _open_regular(path: Path | str) -> int:
    """An fd for reading the regular file `path`; the errors of read_bytes() otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO without a writer must not hang
    except FileNotFoundError:
        raise UsageError(f"{path}: tiedostoa ei löydy.") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: on hakemisto, ei tiedosto.") from None
    except OSError as exc:
        raise InputError(_os_message(path, exc, "lukea")) from None
    except ValueError:  # an embedded NUL
        raise InputError(f"{path!r}: kelvoton tiedoston nimi.") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise UsageError(f"{path}: on hakemisto, ei tiedosto.")
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, "lueta")
    except BaseException:
        os.close(fd)
        raise
    return fd


def require_regular(path: Path | str) -> None:
    """The errors of read_bytes() for `path`, without reading it: for readers that read on their own."""
    os.close(_open_regular(path))


def read_bytes(path: Path | str, *, limit: int = MAX_READ_BYTES) -> bytes:
    """The content of the regular file `path`, at most `limit` bytes.

    A missing file or a directory is UsageError (exit 2, as for a missing
    argument); a device, FIFO or socket is NotRegularFile, a longer file
    FileTooLarge, anything else InputError: all name the file in Finnish.
    """
    fd = _open_regular(path)
    try:
        chunks = []
        total = 0
        while True:  # the limit is enforced on what is read, not on what stat() claims
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileTooLarge(path, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(_os_message(path, exc, "lukea")) from None
    finally:
        os.close(fd)


def read_text(path: Path | str, *, limit: int = MAX_READ_BYTES) -> str:
    """read_bytes() decoded as UTF-8 (a leading BOM is dropped); InputError if it is not UTF-8."""
    data = read_bytes(path, limit=limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: ei kelvollista UTF-8-tekstiä.") from None


# ---------------------------------------------------------------- writing


def make_dir(path: Path | str) -> None:
    """Create `path` and its missing parents, each with mode 0700."""
    missing = []
    current = os.path.abspath(path)
    while not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            if not os.path.isdir(folder):
                raise


def check_target(path: Path | str, *, overwrite: bool) -> Path:
    """`path` as a Path if it may be written, else InputError saying why.

    Missing, or an existing regular file with `overwrite`: fine. Anything
    else (a directory, device, FIFO, socket or symlink, dangling or not) is
    never replaced.
    """
    from pathlib import Path

    target = Path(path)
    if target.name in ("", ".", ".."):
        raise InputError(f"{path}: tiedoston nimi puuttuu.")
    if len(os.fsencode(target.name)) > 255:
        raise InputError(f"{path}: tiedoston nimi on liian pitkä (enintään 255 tavua).")
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise InputError(_os_message(path, exc, "kirjoittaa")) from None
    except ValueError:
        raise InputError(f"{path!r}: kelvoton tiedoston nimi.") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: on hakemisto; anna tiedoston nimi.")
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, "korvata")
    if not overwrite:
        raise InputError(f"{path}: tiedosto on jo olemassa, eikä sitä korvattu (komentorivillä --force korvaa).")
    return target


def output_target(name: str) -> tuple[Path, bool]:
    """For a save prompt: the typed name as a Path, and whether a regular file
    is already there (ask before replacing). InputError for anything else."""
    if name.strip() == "-":  # standard output on the command line; a screen has none to give
        raise InputError("'-' on komentorivillä vakiotuloste, ei tiedosto; anna tiedoston nimi.")
    path = user_path(name)
    try:
        check_target(path, overwrite=False)
    except NotRegularFile:
        raise
    except InputError:
        if os.path.isfile(path) and not os.path.islink(path):
            return path, True
        raise
    return path, False


def _temp_prefix(target: Path) -> str:
    # Short enough that the temp name fits in 255 bytes whatever the target's length.
    return f".{target.name[:100]}."


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def clean_stale_temps(target: Path) -> None:
    """Remove temp files of `target` left by a writer that died (kill -9, power loss)."""
    import time

    prefix = _temp_prefix(target)
    folder = target.parent
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        middle = name[len(prefix) : -len(".tmp")]
        pid_text = middle.split(".", 1)[0]
        temp = folder / name
        try:
            info = os.lstat(temp)
            if not stat.S_ISREG(info.st_mode):
                continue
            if "." in middle and pid_text.isdigit():
                stale = int(pid_text) != os.getpid() and not _pid_alive(int(pid_text))
            else:  # the old mkstemp names: no owner to ask, so by age
                stale = time.time() - info.st_mtime > STALE_TEMP_SECONDS
            if stale:
                os.unlink(temp)
        except OSError:
            continue


def _write_temp(target: Path, data: bytes) -> Path:
    temp = target.parent / f"{_temp_prefix(target)}{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _install(temp: Path, target: Path, overwrite: bool) -> None:
    """Move `temp` to `target`; without `overwrite`, never over a file that appeared meanwhile."""
    if not overwrite:
        try:
            os.link(temp, target)  # fails if the name exists: no race with another writer
        except FileExistsError:
            raise InputError(f"{target}: tiedosto on jo olemassa, eikä sitä korvattu.") from None
        except OSError:
            pass  # no hard links on this file system: fall back to rename
        else:
            temp.unlink(missing_ok=True)
            return
    check_target(target, overwrite=True)  # still a regular file (or nothing) just before the rename
    os.replace(temp, target)


def write_all(items: list[tuple[Path | str, bytes | str]], *, overwrite: bool = False) -> list[Path]:
    """Write several files all or nothing: every target is checked before any is written.

    Each is written atomically with mode 0600 (temp file, fsync, rename);
    missing directories are created with mode 0700.
    """
    targets = [check_target(path, overwrite=overwrite) for path, _ in items]
    seen = set()
    for target in targets:
        key = os.path.realpath(target)  # real: a symlinked directory can name the same file twice
        if key in seen:
            raise InputError(f"{target}: sama tiedosto annettiin kahdesti.")
        seen.add(key)
    temps: list[Path] = []
    current = targets[0] if targets else None
    try:
        for target, (_, content) in zip(targets, items, strict=True):
            current = target
            data = content.encode("utf-8") if isinstance(content, str) else content
            make_dir(target.parent)
            clean_stale_temps(target)
            temps.append(_write_temp(target, data))
        for temp, target in zip(temps, targets, strict=True):
            current = target
            _install(temp, target, overwrite)
    except OSError as exc:
        raise InputError(_os_message(current, exc, "kirjoittaa")) from None
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    return targets


def write_private(path: Path | str, content: bytes | str, *, overwrite: bool = False) -> Path:
    """Atomically write `content` to `path` with mode 0600.

    Refuses to replace an existing file unless `overwrite` is true (the CLI's
    --force, or the user's explicit yes in a front end), and never replaces
    anything but a regular file.
    """
    return write_all([(path, content)], overwrite=overwrite)[0]
