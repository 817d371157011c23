"""``python -m cruxnet``."""

import sys

from cruxnet.cli import main

sys.exit(main())
