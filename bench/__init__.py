"""Benchmarks of Berkas (``make bench``); never run by the test suite."""
