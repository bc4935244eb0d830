"""The margin losses: declarations, terms for both backends, checks."""
