"""Compare how news outlets cover the same event: terms, reuse, figures, voices and framing."""

__version__ = "0.1.0"
