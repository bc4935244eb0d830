"""Shared pieces of the conventions data: the libraries' versions and constants.

Each family's ``conventions.py`` declares one tuple of
:class:`~losscli.core.spec.Convention` per loss, attached to its spec; the first entry is
losscli's own default. Each entry was written from the library's documentation and
source, cited with the file and version (or commit) in ``source``. The libraries are
never imported: ``impl`` names losscli's own function for the library's formula (the
family's ``convention_terms``), ``params`` its defaults, ``constants`` its clips, and
``rules`` its reduction (:mod:`losscli.engine.convention_rules`).
"""

from __future__ import annotations

KERAS_EPS = {"eps": 1e-7}  # keras.backend.epsilon()


KERAS_MEAN = {"mean": "sum_over_batch_size"}


KERAS_CLIP = "probabilities clipped to [1e-7, 1 − 1e-7] (keras.backend.epsilon())"


KERAS = "Keras 3.15.1, keras/src/losses/losses.py"


KERAS_LOSS = "keras/src/losses/loss.py reduce_values (sum_over_batch_size)"


OPTAX = "optax 0.2.8, optax/losses/"


KORNIA = "kornia 0.9.0 (PyPI), kornia/losses/"


MONAI = "MONAI 1.6.1, monai/losses/"


SMP = "qubvel-org/segmentation_models.pytorch, segmentation_models_pytorch/losses/"


MMDET = "open-mmlab/mmdetection, mmdet/models/losses/"
