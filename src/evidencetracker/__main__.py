"""python -m evidencetracker: the desktop app."""

import sys

from evidencetracker.app import main

sys.exit(main())
