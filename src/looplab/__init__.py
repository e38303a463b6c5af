"""LoopLab: small image models with a human in the loop."""

__version__ = "0.1.0"
