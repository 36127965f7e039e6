"""Payment prediction for the application: books from files or the database, into ``dunwell.ml``."""
