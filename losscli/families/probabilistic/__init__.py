"""The probabilistic losses: declarations, terms for both backends, checks."""
