"""cruxnet.inference."""
