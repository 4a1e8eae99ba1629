from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo story (`load_demo`) and the benchmark data generator (`generate_data`).

    Production code never imports this package; only its commands, the tests and the
    benchmarks do (tests/test_layering.py).
    """

    name = "smartiberica.demo"
    label = "demo"
