"""The classical losses: declarations, terms for both backends, checks."""
