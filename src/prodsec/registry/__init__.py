"""The labelling registry: roles, applications, labels, signing, and the transparency
log (`merkle`, `events`, `log`, `verify`)."""
