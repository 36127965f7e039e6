"""Collections records: touches, promises to pay, holds and disputes, per customer."""
