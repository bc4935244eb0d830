"""The declarations of every loss, one module per family (plain data, no torch).

To add a loss: declare a :class:`~losscli.registry.LossSpec` in its family's
module, write its terms function under :mod:`losscli.losses`, and add tests.
Everything else (command, help, ``list``, JSON) is generated.
"""

from losscli.catalog import classification, margin, regression

ALL_SPECS = (
    *regression.SPECS,
    *classification.SPECS,
    *margin.SPECS,
)
