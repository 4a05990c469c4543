"""CSAF 2.0 advisories: documents read with limits (`document.py`) into a lossless model
(`model.py`), checked against the OASIS schema and every mandatory test of section 6.1
(`validate.py`; the tests in `tests_*.py`, CVSS in `cvss.py`). docs/csaf.md."""
