"""cruxnet.priors."""
