"""Demo data for the embedded default: Bangkok's districts and an account for each role."""
