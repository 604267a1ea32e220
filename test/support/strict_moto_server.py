"""moto's own server (`moto_server`), with test/support/moto_strict.py and moto_change_sets.py applied.

    .venv/bin/python test/support/strict_moto_server.py -H 127.0.0.1 -p PORT
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import moto_strict  # noqa: E402,F401  - applies the patches on import
import moto_change_sets  # noqa: E402,F401  - DescribeChangeSet as the API reference documents it
from moto.server import main  # noqa: E402

if __name__ == "__main__":
    main()
