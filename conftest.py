"""Root pytest configuration: test settings apply before Django starts."""

import os

os.environ.setdefault("IGOR_TESTING", "1")
