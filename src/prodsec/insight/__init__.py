"""Reports and charts built on the catalog and the assessments."""
