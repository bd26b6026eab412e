"""DynaML-style data pipes and Gaussian-process models."""
