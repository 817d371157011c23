"""What the tests share: independent oracles, brute force, small models, fuzz cases."""
