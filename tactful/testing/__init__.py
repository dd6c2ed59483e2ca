"""Support for tests and benchmarks: the cast of people, integrator API calls, local clocks.

Not part of the product: nothing outside tests and benchmarks imports it.
"""
