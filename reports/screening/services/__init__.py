"""Screening writes, one module per concern; the scoring engine (reports/screening/engine/) is pure Python and
these modules are its only bridge to the database.

Imports point one way, with no cycle: common <- rows <- ingest, accounts, lexicon; versions <- thresholds, runs,
training; lexicon <- scorer <- scoring. reports/screening/tasks.py (the Celery worker's entry) imports runs and
scoring, uploads and images; nothing imports tasks.py: runs, uploads and images send tasks by name, so the web
process never loads the engine.

- common.py      errors, the reviewer check, election lookup, the group lock
- rows.py        reading CSV/JSONL and parsing one post row (shared with the API)
- ingest.py      storing posts from files and from the API
- uploads.py     post files uploaded on the pages: checked, imported by a worker (all rows or none), progress
- images.py      a post's image: stored, read by OCR (reports/screening/ocr.py) in a worker, screened again
- accounts.py    the ASN account registry
- lexicon.py     reviewers' lexicon terms and the shipped reference lexicon
- candidates.py  an election's lexicon from the official candidate list (CSV/XLSX), with suggested short names
- versions.py    model versions: which one is active, registering, activating
- thresholds.py  the review and priority thresholds of an election
- scorer.py      the per-process cache of the engine's Scorer with the reviewers' lexicon
- scoring.py     scoring posts, chunk processing, near-duplicate grouping
- runs.py        scoring runs: creating them, sending their chunks to the workers, their progress
- review.py      verdicts: dismiss, confirm into a finding
- training.py    training a new version on the shipped data and the verdicts
"""
