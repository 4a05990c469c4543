"""The labelling registry: roles, applications and labels (the workflow), with ports for
the signer and the transparency log."""
