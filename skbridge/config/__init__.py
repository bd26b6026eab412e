"""Hydra configs: pipelines and experiments composed from YAML."""
