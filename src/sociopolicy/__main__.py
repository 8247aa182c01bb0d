"""``python -m sociopolicy``: the same as the ``sociopolicy`` command."""

import sys

from .cli import main

sys.exit(main())
