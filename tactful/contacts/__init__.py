"""Contacts: recipients, holds, opt-outs and the permits the contact gate issues."""
