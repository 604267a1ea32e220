"""moto's own server (`moto_server`), with test/support/moto_strict.py and moto_change_sets.py applied,
answering its token (owned_server.py) so the test that started it knows it is its own.

    TEST_SERVER_TOKEN=... .venv/bin/python test/support/strict_moto_server.py -H 127.0.0.1 -p PORT
"""
import argparse
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import moto_strict  # noqa: E402,F401  - applies the patches on import
import moto_change_sets  # noqa: E402,F401  - DescribeChangeSet as the API reference documents it
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app  # noqa: E402
from werkzeug.serving import run_simple  # noqa: E402

from owned_server import with_token  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    # As moto's own main: some responses name the server's port.
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True
    run_simple(args.host, args.port, with_token(app), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
