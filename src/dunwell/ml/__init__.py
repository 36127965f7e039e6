"""Payment prediction: point-in-time features and scikit-learn-compatible estimators.

Pure engine: numpy, pandas, scikit-learn and LightGBM; no database, web or settings. The
application layer loads a book into an ``InvoiceHistory``, these modules train and predict.
"""
