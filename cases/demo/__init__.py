"""Demo data: people, names and a fast bulk generator of realistic cases."""
