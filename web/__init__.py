"""The web app of ``contracts serve``: server-rendered pages over the same store and domain functions as the CLI.

Light to import: the app itself is built by ``web.app.create_app`` (or ``web.app.from_environment`` in a worker).
"""
