"""The smallest Flask application, served by the same gunicorn as the portal: the ceiling the throughput figures
are compared with (`bench.*_ratio`)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
