"""The supply chain of a product: its SBOMs (`sbom/`), and later the advisories that hit it
and the manufacturer's VEX statements."""
