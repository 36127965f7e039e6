"""The inbox (issue 20, inbound, with a database): customers' replies stored once each, tied to
the customer they are about, with the action their reading suggests; a stop honoured on arrival.

``ingesting`` stores a folder of ``.eml`` files (``linking`` ties each to a customer, ``stops``
applies an opt-out at once); ``service`` lists replies by portfolio and lets a person accept a
suggestion (``acting`` creates the promise, dispute, hold or contact) or reject it."""
