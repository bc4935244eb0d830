"""The detection losses: declarations, terms for both backends, checks."""
