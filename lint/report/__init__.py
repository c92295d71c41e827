"""`notelint report`: what to fix first in a vault, from one run's findings.

model.py computes the numbers (a plain dict, the JSON contract); json_out.py,
markdown.py and html.py render that dict and nothing else.
"""
