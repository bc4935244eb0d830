"""The regression losses: declarations, terms for both backends, checks."""
