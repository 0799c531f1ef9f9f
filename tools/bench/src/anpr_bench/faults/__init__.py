"""The fault-injection suite: traffic through the real pipeline while its services crash and restart
(`anpr bench faults`, and a reduced run in tests/faults). See scenario.py for the order of events."""
