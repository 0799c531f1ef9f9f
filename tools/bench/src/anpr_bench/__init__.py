"""Tools that measure the product, kept apart from it: the benchmarks behind `anpr bench ...`, the
fault-injection suite (`faults/`) and the naive reference pipeline the recognition bench compares with.

They use the services only through their package roots and start them as `anpr run SERVICE` processes."""
