"""Capture: recording audio inputs and MIDI ports into a take, safely."""
