"""Data home, cached downloads and archive extraction.

Downloaded files live in one folder, the *data home* (``~/scikit_bridge_data`` unless
``data_home=`` or the ``SKBRIDGE_DATA`` environment variable says otherwise). A file
is written to a temporary name beside its final one and renamed only once it is
complete and its checksum matches, so an interrupted download never leaves a half
file that a later call would mistake for the real one.
"""

import hashlib
import http.client
import os
import shutil
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
import zipfile
from numbers import Integral, Real
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..compat import Interval, validate_params

__all__ = ["clear_data_home", "fetch_file", "get_data_home"]

DATA_HOME_ENV = "SKBRIDGE_DATA"
"""Environment variable that overrides the default data home."""

_DEFAULT_DATA_HOME = Path("~") / "scikit_bridge_data"
_CHUNK_SIZE = 1 << 16


@validate_params(
    {"data_home": [str, os.PathLike, None]},
    prefer_skip_nested_validation=True,
)
def get_data_home(data_home=None):
    """Return the folder where downloaded data sets are cached, creating it.

    The folder is, in order of precedence: ``data_home`` if given, the
    ``SKBRIDGE_DATA`` environment variable if set, or ``~/scikit_bridge_data``.
    A leading ``~`` is expanded to the user's home folder.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder to use instead of the default one.

    Returns
    -------
    data_home : str
        Absolute path of the data home, which exists on return.

    See Also
    --------
    clear_data_home : Delete the data home and everything in it.
    fetch_file : Download a file into the data home, once.

    Examples
    --------
    >>> import os, tempfile
    >>> from skbridge.datasets import get_data_home
    >>> tmp = tempfile.mkdtemp()
    >>> home = get_data_home(os.path.join(tmp, "cache"))
    >>> os.path.isdir(home)
    True
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or _DEFAULT_DATA_HOME
    data_home = Path(data_home).expanduser().absolute()
    data_home.mkdir(parents=True, exist_ok=True)
    return str(data_home)


@validate_params(
    {"data_home": [str, os.PathLike, None]},
    prefer_skip_nested_validation=True,
)
def clear_data_home(data_home=None):
    """Delete the data home and all the files cached in it.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder to delete; by default the one :func:`get_data_home` returns.

    See Also
    --------
    get_data_home : Where the cached files are.

    Examples
    --------
    >>> import os, tempfile
    >>> from skbridge.datasets import clear_data_home, get_data_home
    >>> home = get_data_home(os.path.join(tempfile.mkdtemp(), "cache"))
    >>> clear_data_home(home)
    >>> os.path.exists(home)
    False
    """
    shutil.rmtree(get_data_home(data_home))


@validate_params(
    {
        "url": [str],
        "data_home": [str, os.PathLike, None],
        "filename": [str, os.PathLike, None],
        "sha256": [str, None],
        "n_retries": [Interval(Integral, 0, None, closed="left")],
        "delay": [Interval(Real, 0, None, closed="left")],
        "timeout": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def fetch_file(
    url,
    *,
    data_home=None,
    filename=None,
    sha256=None,
    n_retries=3,
    delay=1.0,
    timeout=60,
):
    r"""Download a file into the data home once and return its local path.

    If the file is already cached (and matches ``sha256`` when given) it is
    returned without any network access. Otherwise it is downloaded with
    :mod:`urllib.request` to a temporary file in the same folder, checked, and
    renamed to its final name in one atomic step, so a failed or interrupted
    download leaves no partial file behind.

    Parameters
    ----------
    url : str
        Address of the file (``http://``, ``https://`` or ``file://``).
    data_home : str or path-like, default=None
        Cache folder; see :func:`get_data_home`.
    filename : str or path-like, default=None
        Name of the cached file, relative to ``data_home`` (it may contain
        sub-folders but must stay inside ``data_home``). By default the last
        component of the URL's path.
    sha256 : str, default=None
        Expected SHA-256 hex digest of the file. A cached file that does not match
        is downloaded again (with a warning); a download that does not match is
        deleted and an :class:`OSError` is raised.
    n_retries : int, default=3
        How many times to try again after a network error, a time-out or an
        HTTP 5xx, 408 or 429 status. Other HTTP errors (such as 404) fail at once.
    delay : float, default=1.0
        Seconds to wait between tries.
    timeout : float, default=60
        Seconds to wait for the server before a try counts as failed.

    Returns
    -------
    path : pathlib.Path
        Path of the cached file.

    Raises
    ------
    OSError
        If the server answers with an HTTP error (the message names the URL and
        the status), cannot be reached after all tries (the message names the
        URL), or the file's checksum differs from ``sha256`` (the message gives
        both digests).

    See Also
    --------
    get_data_home : The folder the file is cached in.

    Examples
    --------
    A ``file://`` URL shows the caching without network access:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from skbridge.datasets import fetch_file
    >>> source = Path(tempfile.mkdtemp()) / "triples.txt"
    >>> _ = source.write_text("a\tlikes\tb\n")
    >>> home = tempfile.mkdtemp()
    >>> path = fetch_file(source.as_uri(), data_home=home)
    >>> path.name, path.read_text()
    ('triples.txt', 'a\tlikes\tb\n')
    >>> fetch_file(source.as_uri(), data_home=home) == path  # cached: no download
    True
    """
    home = Path(get_data_home(data_home))
    if filename is None:
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
        filename = PurePosixPath(url_path).name
        if not filename:
            raise ValueError(
                f"Cannot derive a file name from the URL {url!r}; pass filename=."
            )
    path = _safe_join(home, filename, what="filename")
    expected = sha256.strip().lower() if sha256 is not None else None

    if path.is_file():
        if expected is None:
            return path
        got = _sha256(path)
        if got == expected:
            return path
        warnings.warn(
            f"The cached file {path} has SHA-256 {got}, expected {expected}; "
            f"downloading it again from {url}.",
            UserWarning,
            stacklevel=2,
        )

    path.parent.mkdir(parents=True, exist_ok=True)
    _download_with_retries(
        url, path, sha256=expected, n_retries=n_retries, delay=delay, timeout=timeout
    )
    return path


class _IncompleteDownloadError(OSError):
    """The server closed the connection before sending the whole file."""


# Network failures worth another try; HTTP errors are sorted by status code.
_RETRY_ERRORS = (
    urllib.error.URLError,
    TimeoutError,
    ConnectionError,
    http.client.HTTPException,
    _IncompleteDownloadError,
)
_RETRY_STATUS = {408, 429}


def _download_with_retries(url, path, *, sha256, n_retries, delay, timeout):
    """Call :func:`_download_once` up to ``n_retries + 1`` times."""
    n_tries = n_retries + 1
    for attempt in range(1, n_tries + 1):
        try:
            _download_once(url, path, sha256=sha256, timeout=timeout)
            return
        except urllib.error.HTTPError as exc:
            exc.close()
            message = f"Could not download {url}: HTTP {exc.code} {exc.reason}"
            if exc.code < 500 and exc.code not in _RETRY_STATUS:
                raise OSError(message) from exc
            error = exc
        except _RETRY_ERRORS as exc:
            reason = getattr(exc, "reason", None) or exc
            message = f"Could not download {url}: {reason}"
            error = exc
        if attempt < n_tries:
            warnings.warn(
                f"{message}; trying again in {delay:g} s "
                f"(attempt {attempt + 1} of {n_tries}).",
                UserWarning,
                stacklevel=3,
            )
            time.sleep(delay)
    plural = "s" if n_tries > 1 else ""
    raise OSError(f"{message} (gave up after {n_tries} attempt{plural})") from error


def _download_once(url, path, *, sha256, timeout):
    """Download ``url`` to ``path`` through a temporary file in the same folder."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    digest = hashlib.sha256()
    try:
        with (
            urllib.request.urlopen(url, timeout=timeout) as response,
            open(tmp, "xb") as out,
        ):
            n_bytes = 0
            while chunk := response.read(_CHUNK_SIZE):
                out.write(chunk)
                digest.update(chunk)
                n_bytes += len(chunk)
            length = response.headers.get("Content-Length")
            encoded = response.headers.get("Content-Encoding") not in (None, "identity")
            if length is not None and not encoded and n_bytes != int(length):
                raise _IncompleteDownloadError(
                    f"got {n_bytes} of {int(length)} bytes before the connection closed"
                )
        got = digest.hexdigest()
        if sha256 is not None and got != sha256:
            raise OSError(
                f"The file downloaded from {url} has the wrong SHA-256 checksum: "
                f"expected {sha256}, got {got}. The download was deleted."
            )
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _sha256(path):
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _safe_join(root, name, *, what="path"):
    """``root / name``, refusing names that are absolute or climb out of ``root``."""
    root = Path(root).resolve()
    name = os.fspath(name)
    if (
        not name
        or PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or PureWindowsPath(name).drive
        or name.startswith(("/", "\\"))
    ):
        raise ValueError(f"Unsafe {what} {name!r}: it must be a relative path.")
    target = (root / name).resolve()
    if target != root and root not in target.parents:
        raise ValueError(f"Unsafe {what} {name!r}: it points outside {root}.")
    return target


_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


def _extract_archive(path, dest):
    """Extract a ``.zip``, ``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2`` or ``.tar.xz``.

    Every member is checked before anything is written: members with absolute
    paths or paths (or link targets) that climb out of ``dest``, and tar members
    that are neither files, folders nor links, make the whole archive rejected.
    Tar archives are then extracted with the standard library's ``"data"`` filter
    as a second line of defence.

    Parameters
    ----------
    path : str or path-like
        The archive.
    dest : str or path-like
        Folder to extract into; created if missing.

    Returns
    -------
    dest : pathlib.Path
        The resolved destination folder.

    Raises
    ------
    ValueError
        If the archive type is not supported or a member is unsafe (the message
        names the archive and the member).
    """
    path = Path(path)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    lower = path.name.lower()

    if lower.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            for member in members:
                _check_member(root, member.filename, path)
            archive.extractall(root, members=members)
    elif lower.endswith(_TAR_SUFFIXES):
        with tarfile.open(path, "r:*") as archive:
            members = archive.getmembers()
            for member in members:
                _check_member(root, member.name, path)
                if member.issym() or member.islnk():
                    # symlink targets are relative to the link's folder, hard
                    # link targets to the archive root
                    base = PurePosixPath(member.name).parent if member.issym() else ""
                    link = member.linkname
                    if PurePosixPath(link).is_absolute():
                        raise ValueError(
                            f"Unsafe member {member.name!r} in {path}: it links to "
                            f"the absolute path {link!r}."
                        )
                    target = str(PurePosixPath(base, link))
                    _check_member(root, target, path, link_of=member.name)
                elif not (member.isfile() or member.isdir()):
                    raise ValueError(
                        f"Unsupported member {member.name!r} in {path}: only files, "
                        f"folders and links can be extracted."
                    )
            kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            try:
                archive.extractall(root, members=members, **kwargs)
            except tarfile.TarError as exc:  # FilterError from the "data" filter
                raise ValueError(f"Unsafe archive {path}: {exc}") from exc
    else:
        raise ValueError(
            f"Cannot extract {path}: unsupported archive type (expected .zip, .tar, "
            f".tar.gz, .tgz, .tar.bz2 or .tar.xz)."
        )
    return root


def _check_member(root, name, archive, link_of=None):
    """Raise ValueError if archive member ``name`` would land outside ``root``."""
    try:
        _safe_join(root, name, what="member")
    except ValueError:
        if link_of is not None:
            message = f"it links to {name!r}, outside the destination {root}"
            name = link_of
        else:
            message = f"its path leaves the destination {root}"
        raise ValueError(f"Unsafe member {name!r} in {archive}: {message}.") from None
