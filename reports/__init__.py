"""Intake: reports (laporan/temuan), reporters, evidence, tracking, triage, registration."""
