"""Benchmarks run by ``make bench``: each module prints its figures and writes var/bench/NAME.json."""
