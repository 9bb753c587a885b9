"""Domain core: reference data, respondents, cases, workflow, clocks, letters."""
