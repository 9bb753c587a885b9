"""Intake models."""
