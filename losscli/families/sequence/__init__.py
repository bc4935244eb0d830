"""The sequence losses: declarations, terms for both backends, checks."""
