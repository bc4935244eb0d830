"""Checks of the regression losses: prediction and target of one shape (numpy only)."""

from losscli.families._shared.checks import same_shape as same_shape
