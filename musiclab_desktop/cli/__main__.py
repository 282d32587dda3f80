"""``python -m musiclab_desktop.cli``: the command line alone (the --detach supervisor)."""

import sys

from musiclab_desktop.cli import main

sys.exit(main())
