"""The embedding losses: declarations, terms for both backends, checks."""
