"""The web workplace: the sign-in pages, templates and static files; each module adds its pages
(``views.py``) and API routes (``endpoints.py``), collected in ``web.routers``."""
