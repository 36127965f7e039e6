"""Dunwell: open-source accounts-receivable platform."""

__version__ = "0.1.0"
