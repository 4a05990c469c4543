"""The `prodsec` command: one module per noun, each command a few lines over a library call."""
