"""`make bench`: performance figures of design §10, each module has run() -> list of results."""
