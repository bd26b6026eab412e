"""FB15k-237 / WN18RR / YAGO3-10 loaders, tested against a local HTTP server."""

import functools
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from skbridge.datasets import _kg_remote, load_fb15k_237, load_wn18rr, load_yago3_10

TRAIN = "a\tr\tb\nb\tr\tc\nc\ts\ta\n"
VALID = "a\tr\tc\nz\tr\ta\n"  # z is unseen
TEST = "b\ts\ta\na\tq\tb\nc\tr\tb\n"  # relation q is unseen


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    with zipfile.ZipFile(root / "kg.zip", "w") as archive:
        for name, text in {"train": TRAIN, "valid": VALID, "test": TEST}.items():
            archive.writestr(f"inner/{name}.txt", text)
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    requests = []
    original = handler.func.do_GET

    def counting_get(self):
        requests.append(self.path)
        return original(self)

    handler.func.do_GET = counting_get
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    handler.func.do_GET = original
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "loader, key, folder",
    [(load_fb15k_237, "fb15k-237", "fb15k-237"), (load_wn18rr, "wn18rr", "wn18RR"),
     (load_yago3_10, "yago3-10", "YAGO3-10")],
)
def test_download_once_and_drop_unseen(server, tmp_path, monkeypatch, loader, key, folder):
    url, requests = server
    no_checksums = dict.fromkeys(["train", "valid", "test"])
    monkeypatch.setitem(_kg_remote._SOURCES, key, (f"{url}/kg.zip", "kg.zip", folder, no_checksums))
    home = tmp_path / "home"
    with pytest.warns(UserWarning, match="dropped 1 validation and 1 test triples"):
        data = loader(data_home=home)
    assert data.train.shape == (3, 3) and data.valid.shape == (1, 3) and data.test.shape == (2, 3)
    assert data.n_dropped == {"valid": 1, "test": 1}
    assert data.train.dtype == object and data.train[0].tolist() == ["a", "r", "b"]
    assert (home / folder).is_dir() and not (home / "kg.zip").exists()
    assert len(requests) == 1
    again = loader(data_home=home, clean_unseen=False)  # cached: no new request
    assert len(requests) == 1 and again.valid.shape == (2, 3)
    np.testing.assert_array_equal(again.train, data.train)


def test_local_copy_and_errors(server, tmp_path, monkeypatch):
    url, requests = server
    local = tmp_path / "local" / "wn18RR"
    local.mkdir(parents=True)
    for name, text in {"train": TRAIN, "valid": "a\tr\tc\n", "test": "c\tr\tb\n"}.items():
        (local / f"{name}.txt").write_text(text)
    data = load_wn18rr(data_home=tmp_path / "local")
    assert data.n_dropped == {"valid": 0, "test": 0} and len(requests) == 0
    with pytest.raises(OSError, match="download_if_missing=False"):
        load_fb15k_237(data_home=tmp_path / "empty", download_if_missing=False)
    monkeypatch.setitem(_kg_remote._SOURCES, "fb15k-237",
                        (f"{url}/missing.zip", "missing.zip", "fb15k-237", {}))
    with pytest.raises(OSError, match="404"):
        load_fb15k_237(data_home=tmp_path / "h404")
    monkeypatch.setitem(_kg_remote._SOURCES, "yago3-10",
                        (f"{url}/kg.zip", "kg.zip", "YAGO3-10", {"train": "0" * 32}))
    with pytest.raises(OSError, match="MD5"):
        load_yago3_10(data_home=tmp_path / "bad")
