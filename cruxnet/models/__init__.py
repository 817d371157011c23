"""cruxnet.models."""
