"""skbridge.compat.skops: save, list untrusted types, load with the default trust."""

import io
import json
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

pytest.importorskip("skops")

from skbridge.compat.skops import (  # noqa: E402
    DEFAULT_TRUSTED_PREFIXES,
    UntrustedTypesError,
    dump,
    load,
    untrusted_types,
)
from skbridge.transformers import FastfoodSampler  # noqa: E402

X, y = load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def pipeline():
    return make_pipeline(
        StandardScaler(), FastfoodSampler(n_components=32, random_state=0),
        LogisticRegression(max_iter=500),
    ).fit(X, y)


def _rewrite_schema(src, dst, edit):
    """Copy the skops file ``src`` to ``dst`` with ``edit(schema)`` applied to its schema."""
    with zipfile.ZipFile(src) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(members["schema.json"])
    edit(schema)
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(dst, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return dst


def _step(schema, index):
    """The schema node of the pipeline's step ``index`` (the estimator of the pair)."""
    return schema["content"]["content"]["steps"]["content"][index]["content"][1]


def test_round_trip_of_a_fitted_pipeline(pipeline, tmp_path):
    path = tmp_path / "model.skops"
    dump(pipeline, path)
    assert untrusted_types(path) == []
    loaded = load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))
    np.testing.assert_array_equal(loaded[1].transform(X), pipeline[1].transform(X))
    # a path given as str works the same
    assert load(str(path)).score(X, y) == pipeline.score(X, y)


def test_prefixes_are_whole_components():
    assert DEFAULT_TRUSTED_PREFIXES == ("skbridge.", "sklearn.", "numpy.", "scipy.")
    assert all(prefix.endswith(".") for prefix in DEFAULT_TRUSTED_PREFIXES)


@pytest.mark.parametrize("module", ["sklearnx.tampered", "skbridge_evil.models"])
def test_a_lookalike_module_is_not_trusted(pipeline, tmp_path, module):
    dump(pipeline, tmp_path / "model.skops")

    def edit(schema):
        _step(schema, 0)["__module__"] = module

    path = _rewrite_schema(tmp_path / "model.skops", tmp_path / "tampered.skops", edit)
    assert untrusted_types(path) == [f"{module}.StandardScaler"]
    with pytest.raises(UntrustedTypesError, match=module.replace(".", r"\.")):
        load(path)
    assert module.split(".")[0] not in sys.modules


@pytest.fixture
def probe_file(pipeline, tmp_path):
    """A file rewritten to name a harmless scaler of a module outside the trusted ones.

    The module (on ``sys.path`` during the test) subclasses sklearn's
    StandardScaler; the schema names it instead of StandardScaler.
    """
    folder = tmp_path / "mods"
    folder.mkdir()
    (folder / "skbridge_probe_scalers.py").write_text(textwrap.dedent("""
        from sklearn.preprocessing import StandardScaler

        class ProbeScaler(StandardScaler):
            pass
    """))
    dump(pipeline, tmp_path / "model.skops")

    def edit(schema):
        node = _step(schema, 0)
        node["__module__"], node["__class__"] = "skbridge_probe_scalers", "ProbeScaler"

    path = _rewrite_schema(tmp_path / "model.skops", tmp_path / "tampered.skops", edit)
    sys.path.insert(0, str(folder))
    yield path
    sys.path.remove(str(folder))
    sys.modules.pop("skbridge_probe_scalers", None)


def test_a_tampered_file_is_refused_and_nothing_is_imported(pipeline, probe_file):
    assert untrusted_types(probe_file) == ["skbridge_probe_scalers.ProbeScaler"]
    with pytest.raises(UntrustedTypesError) as info:
        load(probe_file)
    message = str(info.value)
    assert "skbridge_probe_scalers.ProbeScaler" in message
    assert "trusted=[" in message and "skbridge predict --trust" in message
    assert isinstance(info.value, ValueError)
    assert "skbridge_probe_scalers" not in sys.modules
    # trusting another type does not help
    with pytest.raises(UntrustedTypesError):
        load(probe_file, trusted=["skbridge_probe_scalers.OtherScaler"])
    assert "skbridge_probe_scalers" not in sys.modules
    # after review, the caller trusts it by name: it loads and predicts the same
    loaded = load(probe_file, trusted=["skbridge_probe_scalers.ProbeScaler"])
    assert type(loaded[0]).__name__ == "ProbeScaler"
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))


def test_trusted_true_trusts_everything_in_the_file(pipeline, probe_file):
    loaded = load(probe_file, trusted=True)
    assert type(loaded[0]).__name__ == "ProbeScaler"
    np.testing.assert_array_equal(loaded.predict(X), pipeline.predict(X))


def test_a_call_of_os_system_is_refused(pipeline, tmp_path):
    dump(pipeline, tmp_path / "model.skops")
    marker = tmp_path / "pwned"

    def edit(schema):
        steps = schema["content"]["content"]["steps"]["content"]
        steps[0]["content"][1] = {
            "__class__": "system", "__module__": "os",
            "__loader__": "ConstructorFromReduceNode",
            "content": {"__class__": "tuple", "__module__": "builtins",
                        "__loader__": "TupleNode",
                        "content": [{"__class__": "str", "__module__": "builtins",
                                     "__loader__": "JsonNode", "is_json": True,
                                     "content": json.dumps(f"touch {marker}")}]},
        }

    path = _rewrite_schema(tmp_path / "model.skops", tmp_path / "tampered.skops", edit)
    assert untrusted_types(path) == ["os.system"]
    with pytest.raises(UntrustedTypesError, match=r"os\.system"):
        load(path)
    assert not marker.exists()


def test_a_call_into_a_trusted_package_is_not_trusted_by_prefix(pipeline, tmp_path):
    # numpy.testing.runstring(code, namespace) executes code: a numpy name the
    # file asks to *call* is refused, only classes rebuilt from state are trusted.
    dump(pipeline, tmp_path / "model.skops")
    marker = tmp_path / "pwned"
    code = f"open({str(marker)!r}, 'w').close()"

    def edit(schema):
        steps = schema["content"]["content"]["steps"]["content"]
        steps[0]["content"][1] = {
            "__class__": "runstring", "__module__": "numpy.testing",
            "__loader__": "ConstructorFromReduceNode",
            "content": {"__class__": "tuple", "__module__": "builtins",
                        "__loader__": "TupleNode",
                        "content": [{"__class__": "str", "__module__": "builtins",
                                     "__loader__": "JsonNode", "is_json": True,
                                     "content": json.dumps(code)},
                                    {"__class__": "dict", "__module__": "builtins",
                                     "__loader__": "JsonNode", "is_json": True,
                                     "content": "{}"}]},
        }

    path = _rewrite_schema(tmp_path / "model.skops", tmp_path / "tampered.skops", edit)
    assert untrusted_types(path) == ["numpy.testing.runstring"]
    with pytest.raises(UntrustedTypesError, match=r"numpy\.testing\.runstring"):
        load(path)
    assert not marker.exists()


def test_bad_arguments_name_the_fix(pipeline, tmp_path):
    with pytest.raises(TypeError, match="file path"):
        dump(pipeline, io.BytesIO())
    path = tmp_path / "model.skops"
    dump(pipeline, path)
    with pytest.raises(TypeError, match="list of type names"):
        load(path, trusted="sklearn.pipeline.Pipeline")
    with pytest.raises(TypeError, match="list of type names"):
        load(path, trusted=[StandardScaler])


def test_importing_the_module_does_not_import_skops():
    code = "import skbridge.compat.skops, sys; print('skops' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_tree_ensembles_load_without_extra_trust(tmp_path):
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier

    X, y = load_iris(return_X_y=True)
    forest = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)
    path = tmp_path / "forest.skops"
    dump(forest, path)
    assert untrusted_types(path) == []
    np.testing.assert_array_equal(load(path).predict_proba(X), forest.predict_proba(X))
