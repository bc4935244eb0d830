"""The classification losses: declarations, terms for both backends, checks."""
