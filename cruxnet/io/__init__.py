"""Interop with other Bayesian-network tools: BIF and XMLBIF files (pgmpy, pyAgrum, GeNIe,
Netica), and pgmpy and pyAgrum objects."""

from cruxnet.io.bif import read_bif, write_bif
from cruxnet.io.convert import from_pgmpy, to_pgmpy, to_pyagrum
from cruxnet.io.xmlbif import read_xmlbif, write_xmlbif

__all__ = ["from_pgmpy", "read_bif", "read_xmlbif", "to_pgmpy", "to_pyagrum", "write_bif",
           "write_xmlbif"]
