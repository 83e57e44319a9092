from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark tooling (generate_load_data): installed only when BENCH_TOOLS is on, as
    `make bench` and the tests do, never in a portal in use."""

    name = "bench"
