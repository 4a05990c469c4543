"""The labelling registry: roles, applications and labels (the workflow, with ports for
the signer and the log), signed labels and keys, and the transparency log (`merkle`,
`events`, `log`, `verify`), and a label's status as of a signed log head (`status`)."""
