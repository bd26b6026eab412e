"""The one registry class, and the promise that every registered key builds."""

import pytest

from skbridge.compat import OptionalDependencyError
from skbridge.compat.testing import all_estimators
from skbridge.utils import Registry, all_registries


class Part:
    def __init__(self, size=1, scale=1.0):
        self.size = size
        self.scale = scale


class SmallPart(Part):
    synonyms = ("tiny",)


class WidePart(Part):
    aliases = {"wide2": {"size": 2}}


@pytest.fixture
def parts():
    registry = Registry("part", base=Part, suffix="Part")
    registry.register(SmallPart)
    registry.register(WidePart, aliases={"wide3": {"size": 3, "scale": 0.5}})
    return registry


def test_lookup_by_name_synonym_alias_class_and_instance(parts):
    assert parts.options == ["small", "wide"]
    assert parts.names == ["small", "tiny", "wide", "wide2", "wide3"]
    assert parts.lookup("Small") is SmallPart
    assert parts.lookup("TINY") is SmallPart
    assert parts.lookup("wide_2") is WidePart
    assert parts.lookup(WidePart) is WidePart
    assert parts.lookup(WidePart()) is WidePart
    assert parts.resolve("wide3") == (WidePart, "wide", {"size": 3, "scale": 0.5})
    assert "tiny" in parts and "huge" not in parts and 3 not in parts


def test_make_merges_alias_defaults_extra_and_user_kwargs(parts):
    assert parts.make("wide2").size == 2
    built = parts.make("wide3", {"scale": 2.0})
    assert (built.size, built.scale) == (3, 2.0)
    assert parts.make("small", None, size=5).size == 5
    assert parts.make("small", {"size": 7}, size=5).size == 7  # the user's word wins
    instance = SmallPart()
    assert parts.make(instance) is instance


def test_one_error_for_unknown_names(parts):
    with pytest.raises(ValueError, match=r"Unknown part 'huge'; choose one of \['small', "):
        parts.make("huge")


def test_errors_for_wrong_kinds_and_parameters(parts):
    class Other:
        pass

    with pytest.raises(TypeError, match="Other is not a part: it must subclass Part"):
        parts.lookup(Other)
    with pytest.raises(TypeError, match="A part must be a name"):
        parts.lookup(3.5)
    with pytest.raises(ValueError, match="already an instance; it takes no kwargs"):
        parts.make(SmallPart(), {"size": 2})
    with pytest.raises(ValueError, match=r"Bad parameters \['colour'\] for the part SmallPart"):
        parts.make("small", {"colour": "red"})
    with pytest.raises(TypeError, match="not a subclass of Part"):
        parts.register(Other)

    class Loose(Part):  # a signature that binds anything; the base rejects the keyword
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)

    parts.register(Loose)
    with pytest.raises(ValueError, match=r"Bad parameters \['margin'\] for the part Loose"):
        parts.make("loose", {"margin": 1})
    with pytest.raises(ValueError, match="'large' is not registered"):
        parts.alias("big", "large")


def test_factories_without_a_base_and_case_sensitive_codes():
    codes = Registry("code", normalize=False)
    codes.register(lambda scale=1: ("lower", scale), name="nmbr")
    codes.register(lambda scale=1: ("upper", scale), name="NMBR")
    codes.alias("nmbr2", "nmbr", scale=2)
    assert codes.make("nmbr") == ("lower", 1)
    assert codes.make("NMBR") == ("upper", 1)
    assert codes.make("nmbr2") == ("lower", 2)
    with pytest.raises(ValueError, match="Unknown code 'Nmbr'"):
        codes.make("Nmbr")


def test_register_decorates_and_lazy_examples():
    registry = Registry("thing", example_args=lambda: (4,), example_kwargs=lambda: {"b": 1})

    @registry.register(name="pair")
    def pair(a, b=0):
        return a, b

    assert pair(1) == (1, 0)
    args, kwargs = registry.example()
    assert registry.make("pair", None, *args, **kwargs) == (4, 1)


def _registries():
    all_estimators()  # imports every tool whose framework is installed
    return [r for r in all_registries() if r.family not in {"part", "code", "thing"}]


def _cases():
    return [
        pytest.param(registry, key, id=f"{registry.family}-{key}")
        for registry in _registries()
        for key in registry.options
    ]


@pytest.mark.parametrize("registry, key", _cases())
def test_every_registered_key_builds(registry, key):
    try:
        args, kwargs = registry.example()
    except OptionalDependencyError as exc:  # the family's framework is not installed
        pytest.skip(str(exc))
    built = registry.make(key, None, *args, **kwargs)
    assert built is not None
    entry = registry.lookup(key)
    if isinstance(entry, type):
        assert isinstance(built, entry)


def test_every_family_of_parts_has_a_registry():
    families = {registry.family for registry in _registries()}
    # Each tool's families; a tool whose framework is missing registers nothing.
    expected = {"transform", "infill", "kernel"}
    assert expected <= families, sorted(families)
