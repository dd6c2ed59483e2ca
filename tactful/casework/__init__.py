"""Casework: what collectors do with an account — their queue, approved words, calls, notes."""
