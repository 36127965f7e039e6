"""Customer payment-behaviour segments as of a day, their changes, and the alerts they raise."""
