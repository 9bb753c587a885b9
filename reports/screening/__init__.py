"""Content screening of civil servants' social-media posts (app label `screening`)."""
