"""People and organisations: the user model, roles, member records, employers and centres."""
