"""Contrastive and metric-learning losses: batches of embeddings with labels."""
