"""Vulnerabilities: version order per ecosystem and OSV advisory ranges."""
