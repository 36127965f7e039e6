"""Engines over whole books: figures computed with vectorised arithmetic (pure: no database)."""
