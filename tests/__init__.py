"""The test suite: unit/ (laid out as the package is), oracles/ (sweeps against independent
engines), system/ (browsers, kernels, terminals, packaging, docs), support/ (what they share)."""
