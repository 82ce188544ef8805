"""Requests: every contact a customer makes, its promise, timeline and files.

The pages that show a request live with the people who use them (``portal.member``,
``portal.employer``, ``portal.centre``, ``portal.visitor`` for private links, ``portal.staff``);
all of them change a request only through :mod:`portal.requests.services`.
"""
