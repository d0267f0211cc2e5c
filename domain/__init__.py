"""The domain's definitions, held once: the return's columns (`columns`), the vocabularies its
values and the official data use (`vocabularies`), and the lake's tables (`tables`).

`etl`, `lake`, `ui` and `pages` all import from here; this package imports nothing of the
project, only the standard library (tests/test_layers.py checks), so any layer can use a
definition without pulling in another layer.
"""
