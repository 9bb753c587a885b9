"""Content-screening engine (pure Python, no Django).

normalise  - Indonesian social-text normaliser
lexicon    - per-election Aho-Corasick lexicon (load_seed)
features   - placeholder text + hashed n-grams + dense lexicon features
model      - Scorer (normalise + lexicon + calibrated linear model)
near_dup   - MinHash LSH near-duplicate grouping
train      - train(data_dir, out_dir, extra_labelled, recipe) -> (version, metrics), with LOEO figures
loeo       - leave-one-election-out evaluation of a recipe (recipes)
threshold  - an election's review threshold without labels, and from verdicts
evaluate   - evaluate(csv_path, scorer, election_slug, threshold) -> dict
derive_labels, sources - training-label derivation and data access by (file, row_id)
"""
