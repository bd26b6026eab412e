"""Data sets: bundled loaders and a cached download helper.

Bundled (no network access): the knowledge graphs :func:`load_umls` and
:func:`load_nations`, and the tables :func:`load_titanic`, :func:`load_adult` and
:func:`load_penguins`. :func:`load_kg` reads triples from your own files.
Downloaded files are cached in :func:`get_data_home` by :func:`fetch_file`.
"""

from ._base import clear_data_home, fetch_file, get_data_home
from ._kg import load_kg, load_nations, load_umls
from ._tabular import load_adult, load_penguins, load_titanic

__all__ = [
    "clear_data_home",
    "fetch_file",
    "get_data_home",
    "load_adult",
    "load_kg",
    "load_nations",
    "load_penguins",
    "load_titanic",
    "load_umls",
]
