"""Products against the catalog: applicability, assessment, label eligibility, planning."""
