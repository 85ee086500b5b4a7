"""The app served on a real loopback socket, for bench stations run as their own processes."""

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server


@pytest.fixture
def served(app) -> Iterator[str]:
    """The test's app on a loopback port, as the workshop computer serves it to the benches."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="workshop", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
