"""The ``exchange`` command line: a thin layer over the public API of :mod:`exchange`."""
