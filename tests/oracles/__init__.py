"""Sweeps against independent engines: pgmpy and pyAgrum over bnlearn networks and random
networks, and the explorer page's numbers under Node.js."""
