"""VEX: statements of whether a vulnerability affects a component (model.py)."""
