"""The command line: the core's services for scripts, tests and kiosks."""
