"""The interactive crux explorer: one self-contained HTML page that runs exact inference.

:func:`explorer_page` builds it (``cruxnet explore`` on the command line, ``explore(net)`` in
a notebook); :mod:`~cruxnet.explorer.payload` is what it carries, :mod:`~cruxnet.explorer
.junction` the junction tree its engine propagates.
"""

from cruxnet.explorer.page import Explorer, explore, explorer_page

__all__ = ["Explorer", "explore", "explorer_page"]
