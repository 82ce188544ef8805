"""Service notices: telling people in advance when something will slow us down (planned
maintenance, an outage, a postal strike, a closure at short notice), which promises it
touches and how, kept publicly with their history (CHARTER.md sections 1 and 5)."""
