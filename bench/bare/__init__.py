"""The ceiling for bench/throughput.py: a bare Django project (startproject's middleware) on SQLite."""
