"""Tests for skbridge.datasets: bundled loaders, load_kg, the download cache, archives.

Nothing here touches the network or the real ~/scikit_bridge_data: downloads go to a
local ThreadingHTTPServer on 127.0.0.1, and the data home is always under tmp_path.
"""

import gzip
import hashlib
import io
import socket
import tarfile
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from skbridge.datasets import (
    clear_data_home,
    fetch_file,
    get_data_home,
    load_adult,
    load_kg,
    load_nations,
    load_penguins,
    load_titanic,
    load_umls,
)
from skbridge.datasets._base import _extract_archive


@pytest.fixture(autouse=True)
def _isolated_data_home(tmp_path, monkeypatch):
    """Point the data home, HOME and proxies away from anything real."""
    monkeypatch.setenv("SKBRIDGE_DATA", str(tmp_path / "env_home"))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")


# --------------------------------------------------------------------------- #
# Knowledge graphs
# --------------------------------------------------------------------------- #


def _entities(*splits):
    triples = np.concatenate(splits)
    return set(triples[:, 0]) | set(triples[:, 2])


def _relations(*splits):
    return set(np.concatenate(splits)[:, 1])


def _assert_triples(array):
    assert isinstance(array, np.ndarray)
    assert array.dtype == object
    assert array.ndim == 2 and array.shape[1] == 3
    for label in array.ravel():
        assert isinstance(label, str) and label and label == label.strip()


def test_load_umls():
    kg = load_umls()
    assert set(kg) == {"train", "valid", "test", "DESCR"}
    for split in ("train", "valid", "test"):
        _assert_triples(kg[split])
    assert kg["train"].shape == (5216, 3)  # AmpliGraph style
    assert kg.valid.shape == (652, 3)
    assert kg.test.shape == (661, 3)
    assert len(_entities(kg.train, kg.valid, kg.test)) == 135
    assert len(_relations(kg.train, kg.valid, kg.test)) == 46
    # every entity and relation of the evaluation splits is seen in training
    assert len(_entities(kg.train)) == 135
    assert len(_relations(kg.train)) == 46
    assert kg.train[0].tolist() == [
        "acquired_abnormality",
        "location_of",
        "experimental_model_of_disease",
    ]
    assert "5,216" in kg.DESCR and "MIT" in kg.DESCR


def test_load_nations():
    kg = load_nations()
    assert set(kg) == {"train", "valid", "test", "literals", "DESCR"}
    for split in ("train", "valid", "test"):
        _assert_triples(kg[split])
    assert [len(kg[split]) for split in ("train", "valid", "test")] == [1592, 199, 201]
    entities = _entities(kg.train, kg.valid, kg.test)
    assert len(entities) == 14
    assert len(_relations(kg.train, kg.valid, kg.test)) == 55
    assert "MIT" in kg.DESCR

    literals = kg.literals
    assert isinstance(literals, pd.DataFrame)
    assert list(literals.columns) == ["entity", "attribute", "value"]
    assert literals.shape == (26, 3)
    assert literals["value"].dtype == np.float64
    assert set(literals["attribute"]) == {"area", "population"}
    assert set(literals["entity"]) <= entities
    usa = literals.set_index(["entity", "attribute"])["value"]
    assert usa[("usa", "population")] == 321368864.0


def test_bundled_loaders_return_fresh_arrays():
    first = load_umls()
    first.train[0, 0] = "changed"
    assert load_umls().train[0, 0] == "acquired_abnormality"


# --------------------------------------------------------------------------- #
# load_kg
# --------------------------------------------------------------------------- #


def test_load_kg_folder_reads_present_splits(tmp_path):
    (tmp_path / "train.txt").write_text("a\tr\tb\nb\tr\tc\n")
    (tmp_path / "test.txt").write_text("a\tr\tc\n")
    (tmp_path / "other.txt").write_text("not\ta\ttriple\tfile\n")
    kg = load_kg(tmp_path)
    assert set(kg) == {"train", "test"}
    assert kg.train.tolist() == [["a", "r", "b"], ["b", "r", "c"]]
    assert kg["test"].tolist() == [["a", "r", "c"]]
    _assert_triples(kg.train)


def test_load_kg_custom_splits(tmp_path):
    (tmp_path / "train.txt").write_text("a\tr\tb\n")
    (tmp_path / "extra.txt").write_text("x\tr\ty\n")
    kg = load_kg(str(tmp_path), splits=["extra"])
    assert list(kg) == ["extra"]
    assert kg.extra.tolist() == [["x", "r", "y"]]


def test_load_kg_file_keeps_labels_as_str(tmp_path):
    path = tmp_path / "triples.tsv"
    path.write_text(
        "  007 \t 1e3\tNA\n"
        "\n"
        "null\tnan\t\"quoted\"\r\n"
        "True\t-1\t3.0\n"
        "   \n"
    )
    kg = load_kg(path)
    assert list(kg) == ["data"]
    _assert_triples(kg.data)
    assert kg.data.tolist() == [
        ["007", "1e3", "NA"],
        ["null", "nan", '"quoted"'],
        ["True", "-1", "3.0"],
    ]


@pytest.mark.parametrize(
    ("sep", "text"),
    [
        (None, "a  r   b\nc r d\n"),
        (",", "a, r ,b\nc,r,d\n"),
        ("\t", "a\tr\tb\nc\tr\td"),  # no final newline
    ],
)
def test_load_kg_separators(tmp_path, sep, text):
    path = tmp_path / "kg.txt"
    path.write_text(text)
    assert load_kg(path, sep=sep).data.tolist() == [["a", "r", "b"], ["c", "r", "d"]]


def test_load_kg_gzip(tmp_path):
    path = tmp_path / "train.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write("a\tr\tb\n")
    assert load_kg(path).data.tolist() == [["a", "r", "b"]]


@pytest.mark.parametrize(
    ("text", "lineno", "found"),
    [
        ("a\tr\tb\nc\tr\td\te\n", 2, 4),
        ("a\tr\tb\n\nc\tr\n", 3, 2),
        ("a r b\n", 1, 1),  # spaces are not the default separator
    ],
)
def test_load_kg_wrong_field_count(tmp_path, text, lineno, found):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    message = rf"bad\.txt, line {lineno}: expected 3 fields.*found {found}"
    with pytest.raises(ValueError, match=message):
        load_kg(path)


def test_load_kg_bad_split_file_named(tmp_path):
    (tmp_path / "train.txt").write_text("a\tr\tb\n")
    (tmp_path / "valid.txt").write_text("a\tr\tb\na\tr\n")
    with pytest.raises(ValueError, match=r"valid\.txt, line 2"):
        load_kg(tmp_path)


def test_load_kg_empty_field(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("a\tr\tb\na\t \tb\n")
    with pytest.raises(ValueError, match=r"line 2: empty head, relation or tail"):
        load_kg(path)


@pytest.mark.parametrize("text", ["", "\n  \n\n"])
def test_load_kg_empty_file(tmp_path, text):
    path = tmp_path / "empty.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"empty\.txt is empty"):
        load_kg(path)


def test_load_kg_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="train.txt, valid.txt, test.txt"):
        load_kg(tmp_path)
    with pytest.raises(FileNotFoundError, match="No such file"):
        load_kg(tmp_path / "nope.txt")


def test_load_kg_param_validation(tmp_path):
    with pytest.raises(ValueError, match="sep"):
        load_kg(tmp_path, sep=3)


# --------------------------------------------------------------------------- #
# Tabular
# --------------------------------------------------------------------------- #

TABULAR = {
    # loader: (n_rows, n_columns of frame, target, n_missing)
    load_titanic: (1309, 14, "survived", 3855),
    load_adult: (32561, 14, "income", 4262),
    load_penguins: (344, 8, "species", 19),
}


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_bunch(loader):
    n_rows, n_columns, target, n_missing = TABULAR[loader]
    bunch = loader()
    assert set(bunch) == {
        "data", "target", "frame", "feature_names", "target_names", "DESCR",
    }  # fmt: skip
    assert isinstance(bunch.frame, pd.DataFrame)
    assert bunch.frame.shape == (n_rows, n_columns)
    assert int(bunch.frame.isna().sum().sum()) == n_missing
    assert bunch.target_names == [target]
    assert bunch.feature_names == [c for c in bunch.frame.columns if c != target]
    assert len(bunch.feature_names) == n_columns - 1
    assert isinstance(bunch.data, pd.DataFrame)
    assert list(bunch.data.columns) == bunch.feature_names
    pd.testing.assert_frame_equal(bunch.data, bunch.frame[bunch.feature_names])
    pd.testing.assert_series_equal(bunch.target, bunch.frame[target])
    assert not bunch.target.isna().any()
    assert "Source and licence" in bunch.DESCR


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_as_arrays(loader):
    n_rows, n_columns, _, n_missing = TABULAR[loader]
    bunch = loader(as_frame=False)
    assert bunch.frame is None
    assert isinstance(bunch.data, np.ndarray) and bunch.data.dtype == object
    assert bunch.data.shape == (n_rows, n_columns - 1)
    assert isinstance(bunch.target, np.ndarray) and bunch.target.shape == (n_rows,)
    # all the missing values are in the features
    assert int(pd.isna(bunch.data).sum()) == n_missing

    X, y = loader(as_frame=False, return_X_y=True)
    np.testing.assert_array_equal(pd.isna(X), pd.isna(bunch.data))
    np.testing.assert_array_equal(y, bunch.target)


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_return_X_y(loader):
    X, y = loader(return_X_y=True)
    bunch = loader()
    pd.testing.assert_frame_equal(X, bunch.data)
    pd.testing.assert_series_equal(y, bunch.target)


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_param_validation(loader):
    with pytest.raises(ValueError, match="as_frame"):
        loader(as_frame="yes")


def test_titanic_details():
    titanic = load_titanic()
    assert titanic.feature_names == [
        "pclass", "name", "sex", "age", "sibsp", "parch", "ticket",
        "fare", "cabin", "embarked", "boat", "body", "home.dest",
    ]  # fmt: skip
    assert titanic.target.value_counts().to_dict() == {0: 809, 1: 500}
    missing = titanic.frame.isna().sum()
    assert missing[missing > 0].to_dict() == {
        "age": 263, "fare": 1, "cabin": 1014, "embarked": 2,
        "boat": 823, "body": 1188, "home.dest": 564,
    }  # fmt: skip
    assert titanic.frame["age"].dtype == np.float64
    assert set(titanic.frame["sex"]) == {"female", "male"}
    assert set(titanic.frame["embarked"].dropna()) == {"C", "Q", "S"}
    X, y = load_titanic(as_frame=False, return_X_y=True)
    assert y.dtype.kind == "i"


def test_adult_details():
    adult = load_adult()
    assert not any(str(c).startswith("Unnamed") for c in adult.frame.columns)
    assert adult.frame.columns[0] == "age"
    assert isinstance(adult.frame.index, pd.RangeIndex)
    assert adult.target.value_counts().to_dict() == {"<=50K": 24720, ">50K": 7841}
    missing = adult.frame.isna().sum()
    assert missing[missing > 0].to_dict() == {
        "workclass": 1836, "occupation": 1843, "native-country": 583,
    }  # fmt: skip
    # skipinitialspace removed the space after each comma; "?" became NaN
    for column in ("workclass", "education", "native-country"):
        values = adult.frame[column].dropna()
        assert not values.str.startswith(" ").any()
        assert not (values == "?").any()
    assert adult.frame["age"].dtype.kind == "i"
    assert "State-gov" in set(adult.frame["workclass"])
    y = load_adult(as_frame=False).target
    assert y.dtype == object and set(y) == {"<=50K", ">50K"}


def test_penguins_details():
    penguins = load_penguins()
    assert penguins.target.value_counts().to_dict() == {
        "Adelie": 152, "Gentoo": 124, "Chinstrap": 68,
    }  # fmt: skip
    assert set(penguins.frame["island"]) == {"Biscoe", "Dream", "Torgersen"}
    assert int(penguins.frame["sex"].isna().sum()) == 11
    assert penguins.frame["body_mass_g"].dtype == np.float64


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
