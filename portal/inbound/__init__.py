"""Inbound email: messages to the organisation's mailboxes become requests (issue #10).

The job :func:`portal.inbound.job.poll_mailboxes` reads each mailbox in
``INBOUND_MAILBOXES`` over IMAP, parses every new message (:mod:`.parse`), takes it exactly
once (:class:`.models.InboundMessage`, unique on its Message-ID), threads replies onto
existing requests (:mod:`.threads`) and hands the rest to the requests area through the
narrow :class:`.gateway.RequestGateway`. See docs/INBOUND.md.
"""
