"""Estimators: knowledge-graph embeddings, binarized and general neural networks."""
