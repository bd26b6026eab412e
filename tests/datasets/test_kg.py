"""Bundled knowledge graphs (UMLS, Nations) and load_kg on local files."""

import gzip

import numpy as np
import pandas as pd
import pytest

from skbridge.datasets import load_kg, load_nations, load_umls

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

