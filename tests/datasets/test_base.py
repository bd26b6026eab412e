"""The data home, the download cache (fetch_file) and archive extraction.

Nothing here touches the network or the real ~/scikit_bridge_data: downloads go to a
local ThreadingHTTPServer on 127.0.0.1, and the data home is always under tmp_path
(the autouse fixture in conftest.py).
"""

import hashlib
import io
import socket
import tarfile
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from skbridge.datasets import clear_data_home, fetch_file, get_data_home, load_kg
from skbridge.datasets._base import _extract_archive

# --------------------------------------------------------------------------- #
# Data home
# --------------------------------------------------------------------------- #


def test_get_data_home_explicit(tmp_path):
    home = tmp_path / "a" / "b"
    assert get_data_home(home) == str(home)
    assert home.is_dir()


def test_get_data_home_env(tmp_path, monkeypatch):
    monkeypatch.setenv("SKBRIDGE_DATA", str(tmp_path / "from_env"))
    assert get_data_home() == str(tmp_path / "from_env")
    assert (tmp_path / "from_env").is_dir()


def test_get_data_home_default_and_tilde(tmp_path, monkeypatch):
    monkeypatch.delenv("SKBRIDGE_DATA")
    # HOME points into tmp_path (autouse fixture), never at the real home folder
    assert get_data_home() == str(tmp_path / "user" / "scikit_bridge_data")
    assert get_data_home("~/other") == str(tmp_path / "user" / "other")


def test_clear_data_home(tmp_path):
    home = Path(get_data_home(tmp_path / "home"))
    (home / "sub").mkdir()
    (home / "sub" / "file.txt").write_text("x")
    clear_data_home(home)
    assert not home.exists()
    clear_data_home()  # the env data home: created then removed
    assert not (tmp_path / "env_home").exists()


# --------------------------------------------------------------------------- #
# fetch_file against a local HTTP server
# --------------------------------------------------------------------------- #


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1, recording the path of every request."""
    root = tmp_path / "www"
    root.mkdir()
    requests = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            requests.append(self.path)
            if self.path.startswith("/status/"):
                self.send_error(int(self.path.rsplit("/", 1)[1]))
            elif self.path == "/truncated.bin":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"x" * 10)
                self.close_connection = True
            else:
                super().do_GET()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield SimpleNamespace(
            url=f"http://127.0.0.1:{httpd.server_port}", root=root, requests=requests
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob("*"))


PAYLOAD = b"alice\tknows\tbob\n" * 1000
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()


def test_fetch_file_downloads_once(server, tmp_path):
    (server.root / "kg.txt").write_bytes(PAYLOAD)
    home = tmp_path / "home"
    path = fetch_file(f"{server.url}/kg.txt", data_home=home)
    assert path == home / "kg.txt"
    assert path.read_bytes() == PAYLOAD
    assert server.requests == ["/kg.txt"]

    again = fetch_file(
        f"{server.url}/kg.txt", data_home=home, sha256=PAYLOAD_SHA.upper()
    )
    assert again == path
    assert server.requests == ["/kg.txt"]  # served from the cache
    assert _files(home) == ["kg.txt"]  # no temporary files left


def test_fetch_file_env_data_home_and_filename(server, tmp_path):
    (server.root / "kg.txt").write_bytes(PAYLOAD)
    path = fetch_file(
        f"{server.url}/kg.txt?version=2", filename="umls/train.txt", sha256=PAYLOAD_SHA
    )
    assert path == tmp_path / "env_home" / "umls" / "train.txt"
    assert path.read_bytes() == PAYLOAD


def test_fetch_file_url_quoting(server, tmp_path):
    (server.root / "a file.txt").write_bytes(b"x")
    path = fetch_file(f"{server.url}/a%20file.txt", data_home=tmp_path / "home")
    assert path.name == "a file.txt"


def test_fetch_file_sha256_mismatch(server, tmp_path):
    (server.root / "kg.txt").write_bytes(PAYLOAD)
    home = tmp_path / "home"
    wrong = "0" * 64
    with pytest.raises(OSError, match=rf"expected {wrong}, got {PAYLOAD_SHA}"):
        fetch_file(f"{server.url}/kg.txt", data_home=home, sha256=wrong)
    assert _files(home) == []
    assert server.requests == ["/kg.txt"]  # a bad checksum is not retried


def test_fetch_file_redownloads_corrupt_cache(server, tmp_path):
    (server.root / "kg.txt").write_bytes(PAYLOAD)
    home = tmp_path / "home"
    home.mkdir()
    (home / "kg.txt").write_bytes(b"half a fi")
    with pytest.warns(UserWarning, match="downloading it again"):
        path = fetch_file(f"{server.url}/kg.txt", data_home=home, sha256=PAYLOAD_SHA)
    assert path.read_bytes() == PAYLOAD
    assert server.requests == ["/kg.txt"]


def test_fetch_file_404_not_retried(server, tmp_path):
    home = tmp_path / "home"
    url = f"{server.url}/missing.txt"
    with pytest.raises(OSError, match=rf"{url}: HTTP 404"):
        fetch_file(url, data_home=home, delay=0)
    assert server.requests == ["/missing.txt"]
    assert _files(home) == []


def test_fetch_file_5xx_retried(server, tmp_path):
    url = f"{server.url}/status/503"
    with pytest.warns(UserWarning, match="trying again") as record:
        with pytest.raises(OSError, match=rf"{url}: HTTP 503.*after 3 attempts"):
            fetch_file(url, data_home=tmp_path / "home", n_retries=2, delay=0)
    assert len(server.requests) == 3
    assert len(record) == 2


def test_fetch_file_truncated(server, tmp_path):
    home = tmp_path / "home"
    with pytest.raises(OSError, match="got 10 of 1000 bytes"):
        fetch_file(f"{server.url}/truncated.bin", data_home=home, n_retries=0)
    assert _files(home) == []


def test_fetch_file_connection_refused(tmp_path):
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/kg.txt"
    with pytest.raises(OSError, match=rf"Could not download {url}.*after 1 attempt\)"):
        fetch_file(url, data_home=tmp_path / "home", n_retries=0, timeout=5)
    assert _files(tmp_path / "home") == []


def test_fetch_file_file_url(tmp_path):
    source = tmp_path / "src.txt"
    source.write_bytes(PAYLOAD)
    path = fetch_file(source.as_uri(), data_home=tmp_path / "home", sha256=PAYLOAD_SHA)
    assert path.read_bytes() == PAYLOAD


@pytest.mark.parametrize(
    "filename", ["../escape.txt", "/abs/path.txt", "a/../../b.txt"]
)
def test_fetch_file_unsafe_filename(tmp_path, filename):
    with pytest.raises(ValueError, match="Unsafe filename"):
        fetch_file(
            "http://127.0.0.1:9/x.txt", data_home=tmp_path / "home", filename=filename
        )


def test_fetch_file_needs_a_filename(tmp_path):
    with pytest.raises(ValueError, match="Cannot derive a file name"):
        fetch_file("http://127.0.0.1:9/", data_home=tmp_path / "home")


@pytest.mark.parametrize(
    "kwargs", [{"n_retries": -1}, {"delay": -1.0}, {"timeout": 0}, {"sha256": 5}]
)
def test_fetch_file_param_validation(tmp_path, kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        fetch_file("http://127.0.0.1:9/x.txt", data_home=tmp_path / "home", **kwargs)


# --------------------------------------------------------------------------- #
# _extract_archive
# --------------------------------------------------------------------------- #


def _make_zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _make_tar(path, members, links=()):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)


MEMBERS = {"fb15k/train.txt": b"a\tr\tb\n", "fb15k/valid.txt": b"c\tr\td\n"}


@pytest.mark.parametrize("suffix", [".zip", ".tar.gz", ".tgz"])
def test_extract_archive(tmp_path, suffix):
    archive = tmp_path / f"data{suffix}"
    (_make_zip if suffix == ".zip" else _make_tar)(archive, MEMBERS)
    dest = _extract_archive(archive, tmp_path / "out")
    assert dest == (tmp_path / "out").resolve()
    assert _files(dest) == ["fb15k", "fb15k/train.txt", "fb15k/valid.txt"]
    assert load_kg(dest / "fb15k").train.tolist() == [["a", "r", "b"]]


@pytest.mark.parametrize("suffix", [".zip", ".tar.gz"])
@pytest.mark.parametrize(
    "bad", ["../evil.txt", "fb15k/../../evil.txt", "/tmp/evil.txt"]
)
def test_extract_archive_rejects_path_traversal(tmp_path, suffix, bad):
    archive = tmp_path / f"data{suffix}"
    (_make_zip if suffix == ".zip" else _make_tar)(archive, {**MEMBERS, bad: b"pwned"})
    with pytest.raises(ValueError, match=r"Unsafe member .*evil\.txt"):
        _extract_archive(archive, tmp_path / "out")
    assert _files(tmp_path / "out") == []  # checked before anything is written
    assert not (tmp_path / "evil.txt").exists()


@pytest.mark.parametrize("target", ["../../etc", "/etc"])
def test_extract_archive_rejects_escaping_symlink(tmp_path, target):
    archive = tmp_path / "data.tar.gz"
    _make_tar(archive, MEMBERS, links=[("fb15k/link", target)])
    with pytest.raises(ValueError, match=r"Unsafe member 'fb15k/link'"):
        _extract_archive(archive, tmp_path / "out")
    assert _files(tmp_path / "out") == []


def test_extract_archive_allows_inner_symlink(tmp_path):
    archive = tmp_path / "data.tar.gz"
    _make_tar(archive, MEMBERS, links=[("fb15k/train_link.txt", "train.txt")])
    dest = _extract_archive(archive, tmp_path / "out")
    link = dest / "fb15k" / "train_link.txt"
    assert link.read_bytes() == MEMBERS["fb15k/train.txt"]


def test_extract_archive_unsupported(tmp_path):
    archive = tmp_path / "data.rar"
    archive.write_bytes(b"Rar!")
    with pytest.raises(ValueError, match="unsupported archive type"):
        _extract_archive(archive, tmp_path / "out")
