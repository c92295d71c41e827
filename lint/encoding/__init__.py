"""Pure detectors for encoding damage: mojibake, invisible and control characters, and
whole files in another encoding. No I/O; the rules in lint/rules/ turn their answers
into findings."""
