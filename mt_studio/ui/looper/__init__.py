"""The Looper tab: a loop, its layers, and measuring the interface's delay."""
