"""Supply chain: SBOMs, vulnerability advisories and VEX, feeding the assessment."""
