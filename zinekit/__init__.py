"""zinekit: publish zines and pamphlets from Markdown."""

__version__ = "0.1.0"
