"""``python -m galleryk.cli``: the same as the ``galleryk`` command."""

import sys

from . import main

sys.exit(main())
