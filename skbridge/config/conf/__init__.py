"""The config groups shipped with scikit-bridge, found by Hydra as ``pkg://skbridge.config.conf``."""
