"""Interop with other Bayesian-network tools: BIF and XMLBIF (pgmpy, pyAgrum, GeNIe, Netica)."""

from cruxnet.io.bif import read_bif, write_bif
from cruxnet.io.xmlbif import read_xmlbif, write_xmlbif

__all__ = ["read_bif", "read_xmlbif", "write_bif", "write_xmlbif"]
