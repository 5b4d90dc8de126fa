"""Anthologies: one issue collected from chapters of other texts, and its page estimate."""
