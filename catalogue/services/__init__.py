"""The service layer: every read and write, shared by the pages, the API and the CLI.

Services take a Session explicitly, flush when they must, and never commit.
"""
