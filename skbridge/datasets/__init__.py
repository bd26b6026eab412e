"""Data sets: bundled loaders and a cached download helper.

Bundled (no network access): the knowledge graphs :func:`load_umls` and
:func:`load_nations`, and the tables :func:`load_titanic`, :func:`load_adult` and
:func:`load_penguins`, and the texts :func:`load_spam` and
:func:`load_moby_dick`. :func:`load_kg` reads triples from your own files.
Images (Pillow, the ``nn`` extra): :func:`load_image_folder` (one sub-folder
per class) and :func:`load_image_csv` (paths and labels in a CSV) decode them
into arrays, or return an :class:`ImageDataset` that decodes batch by batch.
Dense targets: :func:`load_segmentation_folder` (images and mask files) and
:func:`load_coco` (COCO-style boxes, read with pycocotools);
:func:`make_shapes` generates images of shapes with their masks or boxes.
Downloaded on first use: the knowledge-graph benchmarks :func:`load_fb15k_237`,
:func:`load_wn18rr` and :func:`load_yago3_10`.
Downloaded files are cached in :func:`get_data_home` by :func:`fetch_file`.
"""

from ._base import clear_data_home, fetch_file, get_data_home
from ._dense import load_coco, load_segmentation_folder
from ._image_dataset import ImageDataset
from ._images import load_image_csv, load_image_folder
from ._kg import load_kg, load_nations, load_umls
from ._kg_remote import load_fb15k_237, load_wn18rr, load_yago3_10
from ._shapes import make_shapes
from ._tabular import load_adult, load_penguins, load_titanic
from ._text import load_moby_dick, load_spam

__all__ = [
    "ImageDataset",
    "clear_data_home",
    "fetch_file",
    "get_data_home",
    "load_adult",
    "load_coco",
    "load_fb15k_237",
    "load_image_csv",
    "load_image_folder",
    "load_kg",
    "load_moby_dick",
    "load_nations",
    "load_penguins",
    "load_segmentation_folder",
    "load_spam",
    "load_titanic",
    "load_umls",
    "load_wn18rr",
    "load_yago3_10",
    "make_shapes",
]
