"""Signals servicedata sends for later stages (it never names them).

`tickets_imported` (sender: the Contract class; kwargs `contract`, `since`, `flagged_ids`, `user`) is sent once an
import that wrote tickets has committed (the file import job and the API push both run `TicketImport`): the tickets
it created or changed are the contract's tickets updated since `since` (an aware datetime), `flagged_ids` the ids of
those whose optional security column said yes (whether written or unchanged). The security app applies the
company's keyword rules and opens information security incidents from it (SP-4.5.5).
"""

from django.dispatch import Signal

tickets_imported = Signal()
