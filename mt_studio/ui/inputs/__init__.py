"""The Inputs tab: the audio interface, its inputs and who plays into each."""
