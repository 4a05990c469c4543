"""Storage: products with versioned profiles, assessments, organisations, users, comments."""
