"""Extraction of structured job fields from pages, and the jobs tables."""
