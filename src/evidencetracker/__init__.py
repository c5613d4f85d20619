"""EvidenceTracker: document which anti-trafficking partnership strategies work."""

__version__ = "0.1.0"
