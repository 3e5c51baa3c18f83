"""``python -m kgservice`` is the ``plankg`` command (see kgservice.cli for commands and exit codes)."""

from kgservice.cli import app

if __name__ == "__main__":
    app(prog_name="plankg")
