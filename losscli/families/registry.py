"""The declarations of every loss, one module per family (plain data, no torch).

To add a loss: declare a :class:`~losscli.core.spec.LossSpec` in its family's
module (each module exports ``SPECS``), write its terms function under
:mod:`losscli.families`, and add tests. Everything else (command, help, ``list``,
JSON) is generated.
"""

from importlib import import_module

FAMILY_MODULES = (
    "regression",
    "classification",
    "margin",
    "embedding",
    "probabilistic",
    "sequence",
    "detection",
    "segmentation",
    "classical",
)

ALL_SPECS = tuple(
    spec
    for module in FAMILY_MODULES
    for spec in import_module(f"losscli.families.{module}.spec").SPECS
)
