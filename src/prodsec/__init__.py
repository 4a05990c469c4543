"""prodsec: the security of digital products and the regulation around it, machine-readable."""

__version__ = "0.1.0"
