"""``sumctl``: the operator and user command line."""
