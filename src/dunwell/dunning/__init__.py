"""Dunning engines (pure: no database, web or settings): the compliance guard that decides every
outbound contact, late-payment interest and compensation, dunning policies as data and the planner
that turns a book into one consolidated reminder per customer and currency."""
