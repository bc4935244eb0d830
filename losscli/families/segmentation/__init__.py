"""The segmentation losses: declarations, terms for both backends, checks."""
