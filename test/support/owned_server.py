"""Which process answers on a test server's port: the one the test started, known by the token it was given.

A test picks a free port and then starts its server there. While Python imports moto (seconds on a busy
machine), another test's server may take the same port and answer the first test's readiness poll: the
two would then share one moto and reset each other's state. Each server answers TOKEN_PATH with its
TEST_SERVER_TOKEN, and a test uses only the server that answers with its own (test/support/moto-server.ts).
"""
import os

TOKEN_PATH = "/__test-server-token"


def with_token(app):
    token = os.environ.get("TEST_SERVER_TOKEN", "").encode()

    def answering(environ, start_response):
        if environ.get("PATH_INFO") == TOKEN_PATH:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [token]
        return app(environ, start_response)

    return answering
