import sys

from musiclab_desktop.launcher import main

sys.exit(main())
