"""The project's data files, installed as the package ``iaticonv._schemas`` (see setup.py).

A package so that ``importlib.resources`` finds the same files in a checkout and in an installed
wheel: the IATI Standard's hash manifest, the crosswalks, the generated JSON Schemas.
"""
