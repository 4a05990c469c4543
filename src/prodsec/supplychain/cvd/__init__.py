"""Coordinated vulnerability disclosure: security.txt (RFC 9116) checked and written,
OpenPGP cleartext signatures, disclosure policies read for the elements the regimes
name (docs/supplychain.md, "Coordinated vulnerability disclosure")."""
