"""Glue that keeps the tutorial honest: Sybil parsers for its chapters and snippet reading."""
