"""The AR simulator: synthetic companies whose customers pay like real ones, with ground truth.

Behaviour model (strategy comparisons depend on it; ADR 0007):

- Every customer has a latent **type**, drawn from the preset's mix, and parameters drawn from the
  type's ranges (``presets.TypeProfile``): early payers (pay 4-18 days before due), on-time payers
  (around the due date, often through weekly or month-end payment runs), steady late payers (a
  stable delay), chronic late payers (right-skewed delays whose spread grows month by month),
  seasonal payers (slower at quarter ends, twice as slow at year end), deteriorating customers
  (delays grow every month, instalments, then a default month after which nothing is paid), and
  dispute-prone customers (many disputed invoices, each paid 15-60 days after it would have been).
  A share of customers joins during the period, so they have little history.
- Each invoice's delay is drawn from its customer's parameters at that month; the intended day is
  then moved to the customer's payment run, and runs skip weekends and the public holidays of the
  customer's country (``holidays``). Everything one customer pays on one day is one payment.
- Early-payment discounts ("2/10 net 30") are taken with a per-customer probability, a fifth of
  the time after the window has closed. Bank fees short-pay some payments (the fee is written
  off); a few payments overpay (unapplied cash); some are made from a new account, and some by
  the group company (a large customer, named as ``parent_id`` in the customer master) of the
  customers that belong to a group. Remittance text names the invoices exactly, truncated,
  mistyped, with prefixes, by PO number only, or not at all, and a few quote an ISO 11649
  creditor reference (RF...) that the camt.053 statements carry as structured remittance; payer
  names differ from the customer master.
- Credit memos: a share of invoices is credited (returns, short shipments, price corrections:
  5-30 % of the invoice), and the customer deducts the memo from the payment that settles the
  invoice, naming it in the remittance; the truth then lists the memo as a negative allocation
  of that payment. A seventh of memos cancel their invoice in full: both clear on the memo's date
  with no payment.

- Subscriptions (``saas``): one invoice a month on a billing day at the plan's price until the
  customer churns; card customers are charged on the invoice date, failed charges are retried
  (hard declines never clear, soft ones often do), and the processor pays out net of its fee.
- Responses to collection actions (``actions``): see that module; the company's routine dunning
  is part of the history (``touches``), and the strategy lab (``lab``) measures work on top of it.

The engine is pure and does no I/O: the standard library, ``holidays`` and ``python-stdnum``
(check digits) only; ``company_tables`` lays out a company's CSV files as rows and ``statements``
renders its bank statements as text, and ``dunwell.simulation`` writes them into a folder.
"""
